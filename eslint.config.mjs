import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";

/**
 * The layering of lib/, bottom-up (README, "How the code is laid out"): a folder may import the
 * folders below it, never one above. The files at the root of lib/ and lib/config are the floor.
 * Type-only imports are free (erased at build); tests may reach across to set up what they test.
 */
const LAYERS = [
  "config",
  "store",
  "faucet",
  "security",
  "audit",
  "session",
  "changes",
  "keys",
  "handoff",
  "hosts",
  "agents",
  "policies",
  "actions",
  "ops",
];

const importsOf = (folders) =>
  folders.flatMap((folder) => [
    `@/lib/${folder}`,
    `@/lib/${folder}/*`,
    `./${folder}/*`,
    `../${folder}/*`,
    `../../lib/${folder}/*`,
  ]);

const layerRules = LAYERS.slice(0, -1).map((folder, level) => ({
  files: [`lib/${folder}/**/*.{ts,tsx}`],
  ignores: ["**/*.test.ts"],
  rules: {
    "no-restricted-imports": [
      "error",
      {
        patterns: [
          {
            group: importsOf(LAYERS.slice(level + 1)),
            allowTypeImports: true,
            message: `lib/${folder} may import only the folders below it in the layering (README, "How the code is laid out"): move the shared part down instead.`,
          },
        ],
      },
    ],
  },
}));

/** The root files of lib/ (log, action-result, http, key-label, …) sit at the floor with lib/config. */
const rootRule = {
  files: ["lib/*.{ts,tsx}"],
  ignores: ["lib/*.test.ts"],
  rules: {
    "no-restricted-imports": [
      "error",
      {
        patterns: [
          {
            group: importsOf(LAYERS.slice(1)),
            allowTypeImports: true,
            message: "The root files of lib/ are the floor of the layering: they import no lib/ folder but lib/config.",
          },
        ],
      },
    ],
  },
};

/** The browser never imports the server side of lib/ (a type-only import is erased, so it is fine). */
const componentsRule = {
  files: ["components/**/*.{ts,tsx}"],
  rules: {
    "no-restricted-imports": [
      "error",
      {
        paths: [
          {
            name: "faucet-emulator",
            message:
              "The emulator is server-side: the browser reaches it only through the console's actions and routes.",
          },
        ],
        patterns: [
          {
            group: [
              // No bare "@/lib/store": a directory pattern would keep the exceptions below from applying.
              "@/lib/store/*",
              // Browser-safe: the one message a store outage shows.
              "!@/lib/store/store-unavailable-error",
              "@/lib/session/*",
              // Browser-safe: the header a background refetch sends.
              "!@/lib/session/background-request",
              "@/lib/faucet",
              "@/lib/faucet/*",
              "@/lib/emulator",
              "@/lib/emulator/*",
              "faucet-emulator/*",
            ],
            allowTypeImports: true,
            message:
              "components/ runs in the browser: it may not import the server side of lib/ (store, session, faucet, the emulator). Call an action or a route instead.",
          },
        ],
      },
    ],
  },
};

/** Configuration is read in one place (lib/config/env.ts); only Next.js's own flags are read directly. */
const envRule = {
  files: ["app/**/*.{ts,tsx}", "components/**/*.{ts,tsx}", "lib/**/*.{ts,tsx}", "proxy.ts", "instrumentation.ts"],
  ignores: ["lib/config/**", "lib/emulator/**", "**/*.test.ts"],
  rules: {
    "no-restricted-syntax": [
      "error",
      {
        selector:
          "MemberExpression[object.type='MemberExpression'][object.object.name='process'][object.property.name='env'][property.name!=/^(NODE_ENV|NEXT_RUNTIME)$/]",
        message: "Read configuration through env() in lib/config/env.ts: one schema parses every variable once.",
      },
      {
        selector: ":not(MemberExpression) > MemberExpression[object.name='process'][property.name='env']",
        message: "Read configuration through env() in lib/config/env.ts: one schema parses every variable once.",
      },
    ],
  },
};

const config = [
  ...nextVitals,
  ...nextTs,
  {
    rules: {
      // A leading underscore marks a parameter a signature requires but the body does not use.
      "@typescript-eslint/no-unused-vars": ["warn", { argsIgnorePattern: "^_" }],
    },
  },
  ...layerRules,
  rootRule,
  componentsRule,
  envRule,
  {
    ignores: [
      ".next*/**",
      ".data*/**",
      "node_modules/**",
      "test-results/**",
      "playwright-report/**",
      "bench/results/**",
      "next-env.d.ts",
    ],
  },
];

export default config;
