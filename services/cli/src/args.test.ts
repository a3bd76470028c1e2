import { describe, expect, it } from 'vitest';
import { parseCommand, UsageError } from './args.js';

describe(parseCommand.name, () => {
  it('parses migrate with defaults and every flag', () => {
    expect(parseCommand(['migrate'])).toEqual({
      kind: 'migrate',
      dryRun: false,
      force: false,
      records: true,
      users: true,
      batchSize: 500,
      concurrency: 8,
      json: false,
    });
    expect(
      parseCommand([
        'migrate',
        '--dry-run',
        '--force',
        '--records-only',
        '--type',
        'post',
        '--limit',
        '10',
        '--batch-size',
        '100',
        '--concurrency',
        '4',
        '--json',
      ]),
    ).toEqual({
      kind: 'migrate',
      dryRun: true,
      force: true,
      records: true,
      users: false,
      batchSize: 100,
      concurrency: 4,
      type: 'post',
      limit: 10,
      json: true,
    });
  });

  it("accepts OIP's camelCase flags and runs migrate when invoked as migrate-existing-gun-records", () => {
    expect(parseCommand(['--dryRun', '--usersOnly'], 'migrate-existing-gun-records')).toMatchObject(
      { kind: 'migrate', dryRun: true, records: false, users: true },
    );
    expect(parseCommand(['migrate-existing-gun-records', '--recordsOnly'])).toMatchObject({
      kind: 'migrate',
      records: true,
      users: false,
    });
    expect(parseCommand(['--help'], 'migrate-existing-gun-records')).toEqual({
      kind: 'help',
      topic: 'migrate',
    });
  });

  it('parses registry and dlq commands', () => {
    expect(parseCommand(['registry', 'stats'])).toEqual({
      kind: 'registry-stats',
      show: 20,
      json: false,
    });
    expect(parseCommand(['registry', 'diff', '--type', 'image', '--show', '5', '--json'])).toEqual({
      kind: 'registry-diff',
      type: 'image',
      show: 5,
      json: true,
    });
    expect(
      parseCommand(['dlq', 'list', '--reason', 'es-rejected', '--offset', '0', '--limit', '10']),
    ).toEqual({ kind: 'dlq-list', reason: 'es-rejected', offset: 0, limit: 10, json: false });
    expect(parseCommand(['dlq', 'retry', '--soul', 'abc:1'])).toEqual({
      kind: 'dlq-retry',
      soul: 'abc:1',
      json: false,
    });
    expect(parseCommand(['dlq', 'retry', 'abc:1'])).toEqual({
      kind: 'dlq-retry',
      soul: 'abc:1',
      json: false,
    });
    expect(parseCommand(['dlq', 'retry', '--reason', 'invalid'])).toEqual({
      kind: 'dlq-retry',
      reason: 'invalid',
      json: false,
    });
  });

  it('parses --version', () => {
    expect(parseCommand(['--version'])).toEqual({ kind: 'version' });
  });

  it('answers help without a command', () => {
    expect(parseCommand([])).toEqual({ kind: 'help' });
    expect(parseCommand(['help', 'registry'])).toEqual({ kind: 'help', topic: 'registry' });
    expect(parseCommand(['registry'])).toEqual({ kind: 'help', topic: 'registry' });
    expect(parseCommand(['migrate', '-h'])).toEqual({ kind: 'help', topic: 'migrate' });
  });

  it.each([
    [['nope'], /unknown command "nope"/],
    [['migrate', '--records-only', '--users-only'], /exclude each other/],
    [['migrate', '--batch-size', '0'], /--batch-size must be an integer from 1 to 10000/],
    [['migrate', '--limit', 'ten'], /--limit must be an integer/],
    [['migrate', '--type', 'bad type'], /--type must be a record type name/],
    [['migrate', '--users-only', '--force'], /cannot be combined with --users-only/],
    [['migrate', '--bogus'], /^Unknown option '--bogus'$/],
    [['migrate', 'extra'], /takes no arguments/],
    [['registry', 'list'], /unknown registry command "list"/],
    [['dlq', 'retry'], /exactly one of --soul/],
    [['dlq', 'retry', '--soul', 'a', '--reason', 'b'], /exactly one of --soul/],
    [['dlq', 'drop'], /unknown dlq command/],
    [['--version', 'migrate'], /--version takes no arguments/],
  ])('rejects %j', (argv, message) => {
    expect(() => parseCommand(argv)).toThrow(UsageError);
    expect(() => parseCommand(argv)).toThrow(message);
  });
});
