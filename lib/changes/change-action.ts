import "server-only";
import { z } from "zod";
import { failure, type ActionFailure, type ActionResult } from "@/lib/action-result";
import { storeRateLimiter } from "@/lib/security/limits";
import { authenticatedAction } from "@/lib/session/authenticated-action";
import { BULK_RUN_MAX_SIZE, issueBulkRun, type BulkKind, type IssuedBulkRun } from "./bulk-runs";
import { runChange, type Change, type ChangeContext } from "./run-change";

/**
 * Dub's safe-action shape for this console: a change is declared once, as its input schema and
 * a function from the parsed input to its Change (its audit action, its one faucet call, what a
 * lost answer means), and served by a "use server" file as `changeAction(schema, declare)`.
 * The same declaration serves incident mode's bulk route through `bulkChangeRoute()`, which is
 * the only way to the bulk budget: the action itself never gets it, whatever its input says.
 */

/** A refusal instead of a Change: input the schema let through but the change cannot take (a form's field errors). */
type Declare<Input, Reply, Output> = (input: Input, context: ChangeContext) => Change<Reply, Output> | ActionFailure;

function run<Reply, Output>(
  context: ChangeContext,
  declared: Change<Reply, Output> | ActionFailure,
): Promise<ActionResult<Output>> {
  return "ok" in declared ? Promise.resolve(declared) : runChange(context, declared);
}

export type ChangeAction<Output> = ((input: unknown) => Promise<ActionResult<Output>>) & {
  /** The declaration, for the bulk route on the server; a browser sees only the action's reference. */
  readonly declaration: { schema: z.ZodType; declare: Declare<never, unknown, Output> };
};

/** A batchId in an action's input is a label for its audit events, nothing more. */
function batchLabel(input: unknown): string | null {
  const batchId = typeof input === "object" && input !== null && "batchId" in input ? input.batchId : undefined;
  return typeof batchId === "string" ? batchId : null;
}

export function changeAction<Schema extends z.ZodType, Reply, Output = Reply>(
  schema: Schema,
  declare: Declare<z.output<Schema>, Reply, Output>,
): ChangeAction<Output> {
  const action = authenticatedAction(schema, ({ session, input }) => {
    const context: ChangeContext = { session, batchId: batchLabel(input), bulk: null };
    return run(context, declare(input, context));
  });
  return Object.assign(action, { declaration: { schema, declare: declare as Declare<never, unknown, Output> } });
}

/**
 * An action's declaration run for incident mode (POST /api/bulk/*): the same checks (Origin,
 * session, input), the bulk budget, and a batchId that must name a live run the server issued
 * to this operator for this kind of change (checked and counted in the change's first transaction).
 */
export function bulkChangeRoute<Output>(
  kind: BulkKind,
  action: ChangeAction<Output>,
): (input: unknown) => Promise<ActionResult<Output>> {
  const { schema, declare } = action.declaration;
  return authenticatedAction(schema, ({ session, input }) => {
    const batchId = batchLabel(input);
    if (!batchId)
      return Promise.resolve(
        failure("invalid_input", "A bulk call names the run it belongs to (batchId). Start the run again."),
      );
    const context: ChangeContext = { session, batchId, bulk: kind };
    return run(context, declare(input as never, context));
  });
}

const startBulkRunSchema = z.strictObject({
  kind: z.enum(["rotate", "deactivate", "connect-host"]),
  size: z.number().int().min(1).max(BULK_RUN_MAX_SIZE),
});

/** POST /api/bulk/runs: a run's batch id, issued when incident mode starts it. Each costs one call of the bulk budget, so runs cannot be minted without end. */
export const startBulkRun = authenticatedAction(
  startBulkRunSchema,
  async ({ session, input }): Promise<ActionResult<IssuedBulkRun>> => {
    const limit = await storeRateLimiter("bulk-calls").take(`operator:${session.operatorId}`);
    if (!limit.allowed)
      return failure("rate_limited", `Too many bulk calls in a minute. Try again in ${limit.retryAfterSeconds} s.`, {
        retryAfterSeconds: limit.retryAfterSeconds,
      });
    return { ok: true, data: await issueBulkRun(session.operatorId, input.kind, input.size) };
  },
);
