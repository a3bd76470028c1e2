import { describe, expect, it } from 'vitest';
import { ConfigError } from '@sync/config';
import { loadIndexerConfig } from './config.js';

const key = '11'.repeat(32);

describe(loadIndexerConfig.name, () => {
  it('uses the defaults and parses the seal key', () => {
    const config = loadIndexerConfig({ SYNC_SEAL_KEY: key });
    expect(config.worker).toEqual({ concurrency: 64, rateLimitMs: 1_000 });
    expect(config.batch).toEqual({
      maxDocs: 500,
      maxBytes: 5_242_880,
      flushMs: 200,
      quietRefreshMs: 250,
    });
    expect(config.elasticsearch).toMatchObject({ url: 'http://127.0.0.1:9200', index: 'records' });
    expect(config.sealKey).toEqual(Buffer.from(key, 'hex'));
  });

  it('accepts OIP variable names for Elasticsearch', () => {
    const config = loadIndexerConfig({
      SYNC_SEAL_KEY: key,
      ELASTICSEARCHHOST: 'http://es:9200',
      ELASTICCLIENTUSERNAME: 'elastic',
      ELASTICCLIENTPASSWORD: 'pw',
    });
    expect(config.elasticsearch).toMatchObject({
      url: 'http://es:9200',
      username: 'elastic',
      password: 'pw',
    });
  });

  it('requires the seal key', () => {
    expect(() => loadIndexerConfig({})).toThrow(ConfigError);
    expect(() => loadIndexerConfig({})).toThrow(/SYNC_SEAL_KEY: is required/);
  });

  it('reports every bad indexer variable at once', () => {
    try {
      loadIndexerConfig({ SYNC_SEAL_KEY: key, INDEXER_CONCURRENCY: '0', INDEXER_FLUSH_MS: 'soon' });
      expect.unreachable();
    } catch (err) {
      expect((err as ConfigError).lines.map((l) => l.split(':')[0])).toEqual([
        'INDEXER_CONCURRENCY',
        'INDEXER_FLUSH_MS',
      ]);
    }
  });

  it('refuses a user without a password', () => {
    expect(() =>
      loadIndexerConfig({ SYNC_SEAL_KEY: key, ELASTICSEARCH_USERNAME: 'elastic' }),
    ).toThrow(/ELASTICSEARCH_PASSWORD: is required when/);
  });
});
