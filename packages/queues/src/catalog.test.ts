import { describe, expect, it } from 'vitest';
import {
  DeleteDocumentJob,
  DiscoverJob,
  IndexDocumentJob,
  TransformRecordJob,
  queueCatalog,
} from './catalog.js';
import { JobName, QueueName } from './names.js';

const now = '2026-11-21T10:00:00.000Z';

describe('queue catalog', () => {
  it('has one entry per queue with bounded retention and exponential backoff', () => {
    for (const name of Object.values(QueueName)) {
      const entry = queueCatalog[name];
      expect(entry.defaults.attempts).toBeGreaterThan(1);
      expect(entry.defaults.backoff).toMatchObject({ type: 'exponential' });
      expect(entry.defaults.removeOnFail).toHaveProperty('age');
    }
  });

  it('removes index jobs (sealed content) as soon as they complete', () => {
    expect(queueCatalog[QueueName.index].defaults.removeOnComplete).toBe(true);
    expect(Object.keys(queueCatalog[QueueName.index].jobs).sort()).toEqual(
      [JobName.deleteDocument, JobName.indexDocument].sort(),
    );
  });

  it('parses old transform payloads without the optional fields', () => {
    const parsed = TransformRecordJob.parse({ soul: 'a:b', trigger: 'scan', discoveredAt: now });
    expect(parsed.nodeId).toBe('unknown');
  });

  it('rejects payloads that are not references', () => {
    expect(
      TransformRecordJob.safeParse({ soul: '', trigger: 'scan', discoveredAt: now }).success,
    ).toBe(false);
    expect(
      IndexDocumentJob.safeParse({ did: 'did:gun:a:b', soul: 'a:b', version: 1, bytes: 10 })
        .success,
    ).toBe(false);
    expect(
      DeleteDocumentJob.safeParse({ did: 'did:gun:a:b', soul: 'a:b', version: -1 }).success,
    ).toBe(false);
    expect(
      DiscoverJob.safeParse({ scope: 'everything', requestedBy: 'api', requestedAt: now }).success,
    ).toBe(false);
  });

  it('defaults discovery to respecting watermarks', () => {
    expect(
      DiscoverJob.parse({ scope: 'all', requestedBy: 'scheduler', requestedAt: now }).force,
    ).toBe(false);
  });
});
