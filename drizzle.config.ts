import { defineConfig } from "drizzle-kit";

/**
 * `npm run db:generate` turns lib/store/schema.ts into a new migration under lib/store/migrations.
 * Generating needs no database; the console applies the migrations itself at start-up (lib/store/migrate.ts).
 */
export default defineConfig({
  dialect: "postgresql",
  schema: "./lib/store/schema.ts",
  out: "./lib/store/migrations",
});
