import { execFile } from "node:child_process";
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

export const LOGICAL_EVENTS = `
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

export type VerifyRun = { code: number; stdout: string; stderr: string };

/**
 * `npm run audit:verify` as an operator starts it, against a database, with the consoles'
 * SESSION_SECRET (their audit key derives from it) and the checkpoint files given. What the
 * verifier finds in a tampered store is lib/audit/record-audit-event.test.ts's (its script in-process).
 */
export function runAuditVerify(databaseUrl: string, checkpointFiles: string[] = []): Promise<VerifyRun> {
  return new Promise((resolve) => {
    execFile(
      "npm",
      ["run", "-s", "audit:verify", "--", ...checkpointFiles],
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
