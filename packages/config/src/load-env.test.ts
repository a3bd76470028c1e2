import { describe, expect, it } from 'vitest';
import { apiVars, baseVars, elasticsearchVars, gunVars, syncVars, cryptoVars } from './catalog.js';
import { ConfigError } from './config-error.js';
import { listVar } from './env-var.js';
import { configFingerprint, loadEnv } from './load-env.js';

const vars = {
  ...baseVars,
  ...elasticsearchVars,
  ...gunVars,
  ...syncVars,
  ...cryptoVars,
  ...apiVars,
};

function errorLines(
  source: Record<string, string>,
  readFile?: (p: string) => string,
): readonly string[] {
  try {
    loadEnv(vars, source, readFile ? { readFile } : {});
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).lines;
  }
  throw new Error('expected a ConfigError');
}

describe(loadEnv.name, () => {
  it('applies the OIP defaults when nothing is set', () => {
    const env = loadEnv(vars, {});
    expect(env).toMatchObject({
      GUN_SYNC_INTERVAL: 900_000,
      GUN_SYNC_ENABLED: true,
      GUN_REGISTRY_ROOT: 'oip:registry',
      GUN_SYNC_TRUSTED_NODES: [],
      ELASTICSEARCH_INDEX: 'records',
      API_PORT: 3005,
      RECORD_TYPE_INDEX_MODE: 'all',
    });
    expect(env.GUN_NODE_ID_OVERRIDE).toBeUndefined();
  });

  it.each([
    [
      'GUN_SYNC_INTERVAL',
      'abc',
      /^GUN_SYNC_INTERVAL: must be a whole number of milliseconds; got "abc" \(example: GUN_SYNC_INTERVAL=900000\)$/,
    ],
    ['GUN_SYNC_INTERVAL', '10', /from 1000 to/],
    ['GUN_SYNC_ENABLED', 'maybe', /^GUN_SYNC_ENABLED: must be true or false; got "maybe"/],
    ['API_PORT', '70000', /^API_PORT: must be a whole number of a TCP port from 0 to 65535/],
    ['RECORD_TYPE_INDEX_MODE', 'some', /must be one of all \| whitelist \| blacklist/],
    ['ELASTICSEARCH_URL', 'not a url', /^ELASTICSEARCH_URL: must be a URL/],
    ['ELASTICSEARCH_URL', 'ftp://x', /must use http or https, not ftp/],
    ['GUN_PEERS', 'http://ok/gun, nope', /^GUN_PEERS: must be a URL/],
    ['GUN_NODE_ID_OVERRIDE', 'has space', /^GUN_NODE_ID_OVERRIDE: must be letters, digits/],
    ['GUN_SYNC_TRUSTED_NODES', 'a,b c', /item "b c" is not a node id/],
    ['SYNC_SEAL_KEY', 'short', /^SYNC_SEAL_KEY: must be 32 bytes.*got a hidden value/],
    [
      'API_ADMIN_TOKEN',
      'short',
      /^API_ADMIN_TOKEN: must be at least 16 characters; got a hidden value/,
    ],
  ])('rejects %s=%s with one clear line', (name, value, pattern) => {
    const lines = errorLines({ [name]: value });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(pattern);
  });

  it('reports every bad variable at once, one line each', () => {
    const lines = errorLines({ GUN_SYNC_INTERVAL: 'abc', API_PORT: '-1', LOG_LEVEL: 'loud' });
    expect(lines.map((l) => l.split(':')[0])).toEqual([
      'LOG_LEVEL',
      'GUN_SYNC_INTERVAL',
      'API_PORT',
    ]);
  });

  it('never prints an item of a secret list', () => {
    const secretList = {
      KEYS: listVar({
        description: 'd',
        example: 'a,b',
        secret: true,
        itemPattern: /^[a-z]+$/,
        itemHint: 'lowercase',
      }),
    };
    expect(() => loadEnv(secretList, { KEYS: 'ok,S3CRET' })).toThrow(
      'KEYS: item 2 is not lowercase; got a hidden value',
    );
  });

  it('never prints a secret value', () => {
    const lines = errorLines({ SYNC_SEAL_KEY: 'topsecretvalue' });
    expect(lines.join('\n')).not.toContain('topsecretvalue');
  });

  it("accepts OIP's Elasticsearch variable names as aliases", () => {
    const env = loadEnv(vars, {
      ELASTICSEARCHHOST: 'http://es:9200',
      ELASTICCLIENTUSERNAME: 'elastic',
      ELASTICCLIENTPASSWORD: 'pw',
    });
    expect(env).toMatchObject({
      ELASTICSEARCH_URL: 'http://es:9200',
      ELASTICSEARCH_USERNAME: 'elastic',
      ELASTICSEARCH_PASSWORD: 'pw',
    });
  });

  it('prefers the new name over the alias', () => {
    const env = loadEnv(vars, {
      ELASTICSEARCH_URL: 'http://new:9200',
      ELASTICSEARCHHOST: 'http://old:9200',
    });
    expect(env.ELASTICSEARCH_URL).toBe('http://new:9200');
  });

  it('reads secrets from *_FILE variables', () => {
    const files: Record<string, string> = { '/run/secrets/token': 'a-very-long-admin-token\n' };
    const env = loadEnv(
      vars,
      { API_ADMIN_TOKEN_FILE: '/run/secrets/token' },
      { readFile: (p) => files[p] ?? '' },
    );
    expect(env.API_ADMIN_TOKEN).toBe('a-very-long-admin-token');
  });

  it('names an unreadable *_FILE and refuses both forms at once', () => {
    const missing = errorLines({ API_ADMIN_TOKEN_FILE: '/nope' }, () => {
      throw Object.assign(new Error('x'), { code: 'ENOENT' });
    });
    expect(missing[0]).toMatch(/^API_ADMIN_TOKEN_FILE: cannot read "\/nope" \(ENOENT\)/);
    const both = errorLines({ API_ADMIN_TOKEN: 'x'.repeat(20), API_ADMIN_TOKEN_FILE: '/f' }, () =>
      'y'.repeat(20),
    );
    expect(both[0]).toMatch(/set either API_ADMIN_TOKEN or API_ADMIN_TOKEN_FILE, not both/);
  });

  it('parses lists, drops blanks and duplicates', () => {
    const env = loadEnv(vars, {
      GUN_SYNC_RECORD_TYPES: ' post, image,,post ',
      GUN_EXTERNAL_PEERS: 'http://a:8765/gun,ws://b:8765/gun',
    });
    expect(env.GUN_SYNC_RECORD_TYPES).toEqual(['post', 'image']);
    expect(env.GUN_EXTERNAL_PEERS).toEqual(['http://a:8765/gun', 'ws://b:8765/gun']);
  });

  it('decodes a hex or base64 seal key', () => {
    const hex = 'ab'.repeat(32);
    expect(loadEnv(vars, { SYNC_SEAL_KEY: hex }).SYNC_SEAL_KEY?.toString('hex')).toBe(hex);
    const b64 = Buffer.alloc(32, 7).toString('base64');
    expect(loadEnv(vars, { SYNC_SEAL_KEY: b64 }).SYNC_SEAL_KEY?.equals(Buffer.alloc(32, 7))).toBe(
      true,
    );
  });

  it('runs cross-variable rules after every variable parsed', () => {
    expect(() =>
      loadEnv(
        vars,
        { RECORD_TYPE_INDEX_MODE: 'whitelist' },
        {
          rules: (env) =>
            env.RECORD_TYPE_INDEX_MODE === 'whitelist' &&
            env.RECORD_TYPE_INDEX_WHITELIST.length === 0
              ? [
                  'RECORD_TYPE_INDEX_WHITELIST: must list at least one type when RECORD_TYPE_INDEX_MODE=whitelist',
                ]
              : [],
        },
      ),
    ).toThrow(/RECORD_TYPE_INDEX_WHITELIST: must list at least one type/);
  });
});

describe(configFingerprint.name, () => {
  it('is stable, short, and ignores secrets and per-node values', () => {
    const a = configFingerprint(
      vars,
      loadEnv(vars, {
        GUN_NODE_ID_OVERRIDE: 'node-a',
        API_ADMIN_TOKEN: 'x'.repeat(16),
        REDIS_URL: 'redis://a:1',
      }),
    );
    const b = configFingerprint(
      vars,
      loadEnv(vars, { GUN_NODE_ID_OVERRIDE: 'node-b', API_ADMIN_TOKEN: 'y'.repeat(16) }),
    );
    expect(a).toMatch(/^[0-9a-f]{12}$/);
    expect(a).toBe(b);
  });

  it('changes when a behaviour setting changes', () => {
    const a = configFingerprint(vars, loadEnv(vars, {}));
    const b = configFingerprint(vars, loadEnv(vars, { GUN_SYNC_INTERVAL: '60000' }));
    expect(a).not.toBe(b);
  });
});
