import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createPeerReadMetrics, toPeerLabel } from './peer-reads.js';

describe(createPeerReadMetrics.name, () => {
  it('counts reads by peer and answer, without credentials in the label', async () => {
    const registry = new Registry();
    const { observe } = createPeerReadMetrics(registry);
    observe('http://user:secret@relay.example:8765', 'error');
    observe('http://user:secret@relay.example:8765', 'error');
    observe('wire', 'found');
    const text = await registry.metrics();
    expect(text).toContain(
      'sync_gun_reads_total{peer="http://relay.example:8765",result="error"} 2',
    );
    expect(text).toContain('sync_gun_reads_total{peer="wire",result="found"} 1');
    expect(text).not.toContain('secret');
  });

  it('keeps a path prefix (a /gun-relay proxy)', () => {
    expect(toPeerLabel('https://h.example/gun-relay')).toBe('https://h.example/gun-relay');
  });
});
