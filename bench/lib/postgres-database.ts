import { Client } from "pg";

let counter = 0;

/**
 * A new, empty database on the bench's throwaway cluster, for one console or probe: each
 * store migrates its own. (e2e/support/test-stores.ts does the same but imports the
 * console's store, which is server-only and cannot load in the bench's plain Node process.)
 */
export async function createBenchDatabase(clusterUrl: string): Promise<string> {
  const name = `bench_${process.pid}_${counter++}`;
  const client = new Client({ connectionString: clusterUrl });
  await client.connect();
  try {
    await client.query(`create database ${name}`);
  } finally {
    await client.end();
  }
  const url = new URL(clusterUrl);
  url.pathname = `/${name}`;
  return url.toString();
}
