import type { Metadata } from "next";
import type { ReactNode } from "react";
import { QueryProvider } from "@/components/providers/query-provider";
import "./globals.css";

export const metadata: Metadata = {
  title: "Faucet Console",
  description: "Rotate the API keys of your Lightning Faucet agents, safely.",
  referrer: "strict-origin-when-cross-origin",
  // An operator console must never be indexed (public/robots.txt disallows crawling too).
  robots: { index: false, follow: false },
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <QueryProvider>
          <main className="mx-auto flex min-h-screen max-w-7xl flex-col gap-6 px-4 py-8">{children}</main>
        </QueryProvider>
      </body>
    </html>
  );
}
