import { AgentsSkeleton } from "@/components/agents/agents-skeleton";

/**
 * The list's skeleton. In the (list) group on purpose: at app/agents it would also wrap
 * /agents/[id] and /agents/[id]/keys in a Suspense boundary, whose shell is sent with
 * status 200 before the page can call notFound(), so another operator's agent would get
 * the not-found page with a 200 instead of a 404.
 */
export default function Loading() {
  return <AgentsSkeleton />;
}
