import { describe, expect, it } from 'vitest';
import { interpolate, parseDotenv } from './interpolate.js';

const vars = new Map([
  ['SET', 'value'],
  ['EMPTY', ''],
]);

describe(interpolate.name, () => {
  it.each([
    ['${SET}', 'value'],
    ['$SET', 'value'],
    ['${MISSING}', ''],
    ['${SET:-fallback}', 'value'],
    ['${EMPTY:-fallback}', 'fallback'],
    ['${MISSING:-fallback}', 'fallback'],
    ['${EMPTY-fallback}', ''],
    ['${MISSING-fallback}', 'fallback'],
    ['${SET:+other}', 'other'],
    ['${EMPTY:+other}', ''],
    ['${EMPTY+other}', 'other'],
    ['$${SET}', '${SET}'],
    ['a-${SET}-b', 'a-value-b'],
    ['${MISSING:-with $$ dollar}', 'with $ dollar'],
  ])('%s gives %j', (text, expected) => {
    expect(interpolate(text, vars)).toMatchObject({ value: expected, errors: [] });
  });

  it('reports a required variable that is missing or empty', () => {
    expect(interpolate('${MISSING:?set it}', vars).errors).toEqual(['MISSING is required: set it']);
    expect(interpolate('${EMPTY:?set it}', vars).errors).toEqual(['EMPTY is required: set it']);
    expect(interpolate('${EMPTY?set it}', vars).errors).toEqual([]);
  });

  it('lists the references with their operator and argument', () => {
    expect(interpolate('${A:-x}${B}', vars).refs).toEqual([
      { name: 'A', operator: ':-', argument: 'x' },
      { name: 'B', operator: '', argument: '' },
    ]);
  });

  it('rejects a malformed reference', () => {
    expect(interpolate('${NOT CLOSED', vars).errors).toHaveLength(1);
  });
});

describe(parseDotenv.name, () => {
  it('reads NAME=value lines, skips comments and strips outer quotes', () => {
    const parsed = parseDotenv('# comment\n\nA=1\nB="two words"\nC=\'x\'\nD=\n');
    expect([...parsed]).toEqual([
      ['A', '1'],
      ['B', 'two words'],
      ['C', 'x'],
      ['D', ''],
    ]);
  });
});
