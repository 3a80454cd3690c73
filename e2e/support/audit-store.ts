import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { expect } from "@playwright/test";
import { Client } from "pg";
import { SERVERS, SHARED_SECRETS } from "./servers";

/** One logical audit event as the tests compare it: the pending row joined with its completion. */
export type AuditEventRow = {
  id: string;
  chain: string;
  position: number;
  operator_id: number | null;
  action: string;
  target: string;
  outcome: string;
  refusal: string | null;
  key_label: string | null;
  session_label: string | null;
  client_address: string | null;
  user_agent: string | null;
  instance_id: string;
  completed: boolean;
};

const LOGICAL_EVENTS = `
  select e.id, e.chain, e.position::int as position, e.operator_id, e.action, e.target,
         coalesce(c.outcome, e.outcome) as outcome, coalesce(c.refusal, e.refusal) as refusal,
         coalesce(c.key_label, e.key_label) as key_label, e.session_label,
         e.client_address, e.user_agent, e.instance_id, c.id is not null as completed
  from audit_events e left join audit_events c on c.completes = e.id
  where e.completes is null`;

export async function withDatabase<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** The logical events of the shared store (consoles A and B) matching `where`, oldest first. */
export function auditEventsWhere(where: string, params: unknown[]): Promise<AuditEventRow[]> {
  return withDatabase(
    SERVERS.postgres.url,
    async (client) => (await client.query<AuditEventRow>(`${LOGICAL_EVENTS} and ${where} order by e.seq`, params)).rows,
  );
}

let databaseCounter = 0;

/** A new, empty database on the shared cluster (for a test that must not touch the shared store). */
export async function createAuditDatabase(serverUrl: string): Promise<string> {
  const name = `audit_e2e_${process.pid}_${Date.now()}_${databaseCounter++}`;
  await withDatabase(serverUrl, (client) => client.query(`create database "${name}"`));
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

const MIGRATED_TEMPLATE = "audit_e2e_migrated";
/** pg_advisory_lock's key for making the template: specs in other workers ask at once. */
const TEMPLATE_LOCK = 7_301_721;

/**
 * A new database with the console's schema and no rows, for copyAuditChain. Copied from a
 * template the first caller of the run migrates with audit:verify itself (its run on an
 * empty store must be clean), so a run pays for one migrating verify (a tsx start, seconds
 * of CPU), not one per test.
 */
export async function createMigratedAuditDatabase(serverUrl: string): Promise<string> {
  const urlOf = (name: string) => {
    const url = new URL(serverUrl);
    url.pathname = `/${name}`;
    return url.toString();
  };
  return withDatabase(serverUrl, async (client) => {
    await client.query("select pg_advisory_lock($1)", [TEMPLATE_LOCK]);
    try {
      const found = await client.query("select 1 from pg_database where datname = $1", [MIGRATED_TEMPLATE]);
      if (found.rowCount === 0) {
        await client.query(`create database "${MIGRATED_TEMPLATE}"`);
        const migrated = await runAuditVerify(urlOf(MIGRATED_TEMPLATE));
        if (migrated.code !== 0) await client.query(`drop database "${MIGRATED_TEMPLATE}"`);
        expect(migrated, "audit:verify migrates an empty store and finds it clean").toMatchObject({ code: 0 });
      }
      const name = `audit_e2e_${process.pid}_${Date.now()}_${databaseCounter++}`;
      await client.query(`create database "${name}" template "${MIGRATED_TEMPLATE}"`);
      return urlOf(name);
    } finally {
      await client.query("select pg_advisory_unlock($1)", [TEMPLATE_LOCK]);
    }
  });
}

export type VerifyRun = { code: number; stdout: string; stderr: string };

/**
 * The program `npm run audit:verify` runs (package.json's `tsx <flags> <script>`), as node
 * `--import tsx <flags> <script>`: the same code with the same flags in one process, without
 * npm's start-up and tsx's second process (seconds each on a busy machine).
 */
function auditVerifyCommand(): string[] {
  const script = (JSON.parse(readFileSync("package.json", "utf8")) as { scripts: Record<string, string> }).scripts[
    "audit:verify"
  ];
  const args = /^tsx (.+)$/.exec(script ?? "")?.[1]?.split(" ");
  if (!args) throw new Error(`package.json's audit:verify is not "tsx <flags> <script>": ${String(script)}`);
  return ["--import", "tsx", ...args];
}

/**
 * audit:verify against a database, with the consoles' SESSION_SECRET (their audit key derives
 * from it) and the checkpoint files given. `asWritten`: started as an operator starts it, `npm
 * run audit:verify`; otherwise its program directly (auditVerifyCommand), for the runs of a test
 * whose point is what the verifier finds.
 */
export function runAuditVerify(
  databaseUrl: string,
  checkpointFiles: string[] = [],
  { asWritten = false } = {},
): Promise<VerifyRun> {
  const [command, args] = asWritten
    ? ["npm", ["run", "-s", "audit:verify", "--", ...checkpointFiles]]
    : [process.execPath, [...auditVerifyCommand(), ...checkpointFiles]];
  return new Promise((resolve) => {
    execFile(
      command,
      args,
      {
        env: {
          ...process.env,
          DATABASE_URL: databaseUrl,
          SESSION_SECRET: SHARED_SECRETS.SESSION_SECRET,
          CONSOLE_DATA_DIR: "/nonexistent/audit-verify",
        },
        timeout: 60_000,
      },
      (error, stdout, stderr) =>
        resolve({ code: error ? (typeof error.code === "number" ? error.code : 99) : 0, stdout, stderr }),
    );
  });
}

/**
 * Copies one chain's (or several chains') rows and heads from the shared store into `target`
 * (emptied first; migrated already: createMigratedAuditDatabase), so a test can tamper with
 * its own copy without disturbing the other tests. Returns the rows copied, by chain then position.
 */
export async function copyAuditChain(target: string, chain: string | string[]): Promise<Record<string, unknown>[]> {
  const chains = typeof chain === "string" ? [chain] : chain;
  return withDatabase(SERVERS.postgres.url, async (shared) => {
    const events = (
      await shared.query(
        "select * from audit_events where chain = any($1) order by array_position($1, chain), position",
        [chains],
      )
    ).rows as Record<string, unknown>[];
    const head = (await shared.query("select * from audit_chains where chain = any($1)", [chains])).rows as Record<
      string,
      unknown
    >[];
    await withDatabase(target, async (client) => {
      await client.query("truncate audit_events, audit_chains");
      for (const [table, rows] of [
        ["audit_events", events],
        ["audit_chains", head],
      ] as const) {
        for (const row of rows) {
          const names = Object.keys(row);
          await client.query(
            `insert into ${table} (${names.map((name) => `"${name}"`).join(",")}) values (${names.map((_, i) => `$${i + 1}`).join(",")})`,
            Object.values(row),
          );
        }
      }
    });
    return events;
  });
}
