import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './create-logger.js';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      cb();
    },
  });
  return { stream, events: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

describe(createLogger.name, () => {
  it('writes one JSON event per line with service and version bindings', () => {
    const out = capture();
    const log = createLogger({ service: 'api', version: '1.2.3', destination: out.stream });
    log.info({ soul: 'abc:1' }, 'record seen');
    const [event] = out.events();
    expect(event).toMatchObject({
      service: 'api',
      version: '1.2.3',
      soul: 'abc:1',
      msg: 'record seen',
      level: 30,
    });
  });

  it('redacts keys, passwords, tokens and record content', () => {
    const out = capture();
    const log = createLogger({ service: 'transform', destination: out.stream });
    log.info(
      {
        key: 'k1',
        keyring: { key: 'k2', privateKey: 'pk' },
        es: { password: 'pw' },
        headers: { authorization: 'Bearer t' },
        data: { secretText: 'MARKER' },
        job: { data: { plaintext: 'MARKER' } },
        token: 'tok-9f3',
      },
      'x',
    );
    const line = JSON.stringify(out.events()[0]);
    for (const leaked of ['k1', 'k2', 'pk', 'pw', 'Bearer t', 'MARKER', 'tok-9f3'])
      expect(line).not.toContain(leaked);
    expect(line).toContain('[redacted]');
  });

  it('serializes errors with their message and stack', () => {
    const out = capture();
    createLogger({ service: 'x', destination: out.stream }).error(
      { err: new Error('boom') },
      'failed',
    );
    expect(out.events()[0]).toMatchObject({ err: { message: 'boom', type: 'Error' } });
  });
});
