import { describe, expect, it } from 'vitest';
import { ConfigError } from '@sync/config';
import { QueueName, queueCatalog } from '@sync/queues';
import { loadTransformConfig } from './config.js';

const key = '11'.repeat(32);
const attempts = queueCatalog[QueueName.transform].defaults.attempts;

describe(loadTransformConfig.name, () => {
  it('takes TRANSFORM_MISSING_ATTEMPTS up to the attempts of a transform job', () => {
    const config = loadTransformConfig({
      SYNC_SEAL_KEY: key,
      TRANSFORM_MISSING_ATTEMPTS: String(attempts),
    });
    expect(config.worker.missingAttempts).toBe(attempts);
  });

  it('refuses more missing-record reads than a transform job has attempts, in one line', () => {
    const load = () =>
      loadTransformConfig({ SYNC_SEAL_KEY: key, TRANSFORM_MISSING_ATTEMPTS: String(attempts + 1) });
    expect(load).toThrow(ConfigError);
    const lines = (() => {
      try {
        load();
        return [];
      } catch (err) {
        return (err as ConfigError).lines;
      }
    })();
    expect(lines).toEqual([
      `TRANSFORM_MISSING_ATTEMPTS: must be at most ${attempts}, the attempts of a sync.transform job (a record would never be parked as not-found); got "${attempts + 1}" (example: TRANSFORM_MISSING_ATTEMPTS=3)`,
    ]);
  });
});
