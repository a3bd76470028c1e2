// Decrypt throughput: a key derived once and cached (gun-sync) vs PBKDF2 per record (the seed
// design). Run: pnpm tsx bench/crypto-decrypt.ts [seconds per measurement, default 2]
import { availableParallelism } from 'node:os';
import {
  buildKeyring,
  DerivedKeys,
  makeDecrypt,
  type Decrypt,
} from '../packages/crypto/src/index.js';
import { loadVector } from '../spec/vectors.js';

interface CryptoCase {
  name: string;
  mode: string;
  meta: Record<string, unknown>;
  envelope: Record<string, string>;
  expectedStoredData?: unknown;
}

const seconds = Number(process.argv[2] ?? 2);
const vectors = loadVector<{ cases: CryptoCase[] }>('crypto');
const sample = vectors.cases.find(
  (c) => c.mode === 'legacy-shared' && c.name.includes('double-encoded'),
);
if (!sample) throw new Error('crypto.json has no double-encoded legacy case');

const keyring = buildKeyring({ legacyPassword: 'gun-encryption-key', legacySalt: 'salt' });
const policy = { privateRecords: true, foreignRecords: true };

/** Decrypts for `seconds` with `concurrency` records in flight; returns records per second. */
async function measure(decrypt: Decrypt, concurrency: number): Promise<number> {
  const payload = { data: sample!.envelope, meta: sample!.meta, foreign: true };
  const check = await decrypt(payload); // warm-up, and proof the path really decrypts
  if (!check.ok) throw new Error(`decrypt failed: ${check.reason}`);
  let done = 0;
  const start = process.hrtime.bigint();
  const deadline = start + BigInt(Math.round(seconds * 1e9));
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (process.hrtime.bigint() < deadline) {
        const result = await decrypt(payload);
        if (!result.ok) throw new Error(`decrypt failed: ${result.reason}`);
        done += 1;
      }
    }),
  );
  return done / (Number(process.hrtime.bigint() - start) / 1e9);
}

const cachedKeys = new DerivedKeys({ maxEntries: 100 });
const perRecordKeys = new DerivedKeys({ maxEntries: 0 });
const cached = makeDecrypt({ keyring, keys: cachedKeys, policy });
const perRecord = makeDecrypt({ keyring, keys: perRecordKeys, policy });
const parallel = Math.max(2, availableParallelism());

console.log(
  `decrypt benchmark: ${sample.name}; ${seconds}s per measurement; node ${process.version}; ${availableParallelism()} cpus`,
);
const rows: [string, number, number][] = [];
for (const concurrency of [1, parallel]) {
  const fast = await measure(cached, concurrency);
  const slow = await measure(perRecord, concurrency);
  rows.push([`concurrency ${concurrency}`, fast, slow]);
}
for (const [label, fast, slow] of rows) {
  console.log(
    `${label.padEnd(14)} cached key: ${fast.toFixed(0).padStart(8)} ops/s   PBKDF2 per record: ${slow.toFixed(1).padStart(7)} ops/s   ratio: ${(fast / slow).toFixed(0)}x`,
  );
}
console.log(
  `PBKDF2 derivations: cached ${cachedKeys.derivations}, per record ${perRecordKeys.derivations}`,
);
