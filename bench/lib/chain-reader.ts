/**
 * The baseline: the same walk with GUN's chain API (`gun.get(soul).once`), as most GUN code
 * does it. GUN keeps every node read this way in its graph, which the RSS column shows.
 */
import { closeGun, createClientGun, type GunInstance } from '@sync/gun-client/gun';

function once(
  gun: GunInstance,
  soul: string,
  wait = 1,
): Promise<Record<string, unknown> | undefined> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(undefined), 30_000);
    gun.get(soul).once(
      (data) => {
        clearTimeout(timer);
        resolve(data);
      },
      { wait },
    );
  });
}

async function pool<T>(
  items: T[],
  concurrency: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let item = items.pop(); item !== undefined; item = items.pop()) await fn(item);
    }),
  );
}

export async function readWithChainApi(
  peer: string,
  concurrency: number,
): Promise<{ discovered: number; fetched: number; discoverMs: number }> {
  const gun = createClientGun({ peers: [peer] });
  const started = performance.now();
  // GUN streams a large node 9 fields per message; `once` would stop after the first part.
  const index = (await once(gun, 'oip:registry:index:post', 1000)) ?? {};
  const keys = Object.keys(index).filter((k) => k !== '_');
  const souls: string[] = [];
  await pool([...keys], concurrency, async (key) => {
    const child = await once(gun, `oip:registry:index:post/${key}`);
    if (typeof child?.soul === 'string') souls.push(child.soul);
  });
  const discoverMs = performance.now() - started;
  let fetched = 0;
  await pool([...souls], concurrency, async (soul) => {
    const [root, meta] = await Promise.all([once(gun, soul), once(gun, `${soul}/meta`)]);
    if (root && meta) fetched += 1;
  });
  await closeGun(gun);
  return { discovered: souls.length, fetched, discoverMs };
}
