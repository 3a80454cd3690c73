export function AgentsSkeleton() {
  return (
    <div role="status" aria-busy="true" aria-label="Loading agents" className="flex flex-col gap-4">
      <div className="h-20 animate-pulse rounded-lg bg-slate-200" />
      <div className="h-10 w-2/3 animate-pulse rounded bg-slate-200" />
      {Array.from({ length: 8 }, (_, index) => (
        <div key={index} className="h-12 animate-pulse rounded bg-slate-200/60" />
      ))}
    </div>
  );
}
