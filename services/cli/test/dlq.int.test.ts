/**
 * `gun-sync dlq` against a real node's API: the dead-letter list and retry, the admin token, and
 * an API answer that is an error.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDeadLetters } from '@sync/state';
import { serviceUrls } from '../../../test/services.js';
import { adminToken, startTestNode, type TestNode } from '../../../test/support/node.js';
import { runCaptured } from './support.js';

describe('gun-sync dlq', () => {
  let node: TestNode;
  let env: Record<string, string>;

  const cli = (...argv: string[]) => runCaptured(env, argv);

  beforeAll(async () => {
    const urls = serviceUrls();
    node = await startTestNode(urls, {
      GUN_PEERS: urls.gunRelayUrl,
      GUN_NODE_ID_OVERRIDE: 'node-dlq',
      GUN_SYNC_RECORD_TYPES: 'post',
    });
    env = { API_URL: node.node.apiUrl, API_ADMIN_TOKEN: adminToken };
    const dlq = createDeadLetters(node.redis, node.prefix);
    await dlq.record({
      soul: 'aaaaaaaaaaaa:poison-1',
      stage: 'index',
      reason: 'es-rejected',
      detail: 'mapper_parsing_exception',
      at: 1_700_000_000_000,
    });
    await dlq.record({
      soul: 'aaaaaaaaaaaa:poison-2',
      stage: 'transform',
      reason: 'invalid-record',
      detail: 'no oip',
      at: 1_700_000_001_000,
    });
  });

  afterAll(async () => {
    await node?.close();
  });

  it('lists dead letters as a table and as JSON', async () => {
    const table = await cli('dlq', 'list');
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^dead letters: 2 /);
    expect(table.stdout).toMatch(/aaaaaaaaaaaa:poison-1\s+index\s+es-rejected\s+1/);
    const json = await cli('dlq', 'list', '--reason', 'es-rejected', '--json');
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({
      total: 1,
      items: [{ soul: 'aaaaaaaaaaaa:poison-1', reason: 'es-rejected' }],
    });
  });

  it('retries one soul, and fails with the API reason for an unknown one', async () => {
    const ok = await cli('dlq', 'retry', '--soul', 'aaaaaaaaaaaa:poison-2', '--json');
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ requested: 1 });
    const missing = await cli('dlq', 'retry', 'aaaaaaaaaaaa:nothing');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^gun-sync: the API answered 404/);
  });

  it('fails on a wrong token with one line', async () => {
    env = { ...env, API_ADMIN_TOKEN: 'wrong-token-0123456789' };
    const res = await cli('dlq', 'list');
    expect(res.code).toBe(1);
    expect(res.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/^gun-sync: the API answered 401/),
    ]);
  });
});
