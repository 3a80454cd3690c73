import { AgentsSkeleton } from "@/components/agents/agents-skeleton";

export default function Loading() {
  return <AgentsSkeleton />;
}
