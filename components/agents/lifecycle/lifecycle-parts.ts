/**
 * The agent lifecycle's browser code (the row menu, the change and create dialogs, their forms
 * and the zod schemas they check fields with), downloaded as one part on first use by
 * components/agents/lifecycle-on-demand.tsx rather than with the agents page.
 */
export { AgentChangeDialog } from "./agent-change-dialog";
export { CreateAgentDialog } from "./create-agent-dialog";
export { RowActionsMenu } from "./row-actions-menu";
