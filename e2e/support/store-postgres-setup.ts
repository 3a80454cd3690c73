import type { TestProject } from "vitest/node";
import { createPostgresCluster } from "./postgres-cluster";

declare module "vitest" {
  export interface ProvidedContext {
    /** The throwaway cluster's URL for the store's tests (inject("storeDatabaseUrl")). */
    storeDatabaseUrl: string;
  }
}

/**
 * vitest globalSetup of the "store" project: one throwaway PostgreSQL for all its test
 * files, destroyed when they are done. Each file works in its own database on it.
 */
export default async function setup(project: TestProject) {
  const cluster = await createPostgresCluster();
  project.provide("storeDatabaseUrl", cluster.url);
  return () => cluster.destroy();
}
