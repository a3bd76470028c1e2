import type { UpstreamError } from './errors.js';
import type { ReadResult } from './types.js';

export function found<T>(value: T): ReadResult<T> {
  return { status: 'found', value };
}

export function notFound<T>(): ReadResult<T> {
  return { status: 'not-found' };
}

export function readError<T>(error: UpstreamError): ReadResult<T> {
  return { status: 'error', error };
}

/** Keeps the status, transforms a found value. */
export function mapFound<T, U>(result: ReadResult<T>, fn: (value: T) => U): ReadResult<U> {
  return result.status === 'found' ? found(fn(result.value)) : result;
}
