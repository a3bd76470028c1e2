import { describe, expect, it } from 'vitest';
import { toGunGraph, toRecordType } from './to-gun-graph.js';

describe(toGunGraph.name, () => {
  it('splits nested objects into child nodes <soul>/<key>, like gun.get(soul).put(data)', () => {
    expect(
      toGunGraph('a:1', {
        data: '{}',
        meta: { created: 1, deep: { x: true } },
        link: { '#': 'b:2' },
      }),
    ).toEqual({
      'a:1': { data: '{}', meta: { '#': 'a:1/meta' }, link: { '#': 'b:2' } },
      'a:1/meta': { created: 1, deep: { '#': 'a:1/meta/deep' } },
      'a:1/meta/deep': { x: true },
    });
  });
});

describe(toRecordType.name, () => {
  it('reads the record type from a JSON-string oip (the current format) or an object', () => {
    expect(toRecordType({ oip: JSON.stringify({ recordType: 'post' }) })).toBe('post');
    expect(toRecordType({ oip: { recordType: 'image' } })).toBe('image');
    expect(toRecordType({ data: { oip: { recordType: 'video' } } })).toBe('video');
  });

  it('is null without one', () => {
    expect(toRecordType({ oip: 'not json' })).toBeNull();
    expect(toRecordType({ a: 1 })).toBeNull();
  });
});
