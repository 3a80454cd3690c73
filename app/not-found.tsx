import Link from "next/link";

export default function NotFound() {
  return (
    <section className="mx-auto mt-16 max-w-md rounded-lg border border-slate-200 bg-white p-8">
      <h1 className="text-xl font-semibold">Page not found</h1>
      <p className="mt-2 text-sm text-slate-600">
        <Link href="/agents" className="text-blue-700 underline">
          Go to the agents
        </Link>
      </p>
    </section>
  );
}
