/**
 * One relay HTTP API (OIP's `gun-relay-server.js`, ours, or a node's `/gun-relay` proxy) behind
 * one keep-alive connection pool with a fixed number of sockets. Every request has a timeout
 * and a size limit; every answer becomes a typed result: OIP's 3-second 404 and its proxy's
 * 500-carrying-404 (spec §1.10) are not-found, never errors.
 */
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { StringDecoder } from 'node:string_decoder';
import { GunWriteError, UpstreamError } from '../errors.js';
import { createAdaptiveLimiter, type ReadOutcome } from '../adaptive-limiter.js';
import { createByteBudget } from '../byte-budget.js';
import { createIndexListingBuilder, toIndexListing, type IndexListing } from '../index-listing.js';
import { toCleanNode } from '../node-source.js';
import { found, mapFound, notFound, readError } from '../read-result.js';
import { isLink } from '../souls.js';
import type { GunNode, ReadResult } from '../types.js';
import { createFieldScanner } from './field-scanner.js';

export interface HttpPeerOptions {
  /** Relay API base, e.g. `http://127.0.0.1:8765` or `https://host/gun-relay`. */
  baseUrl: string;
  /**
   * Most sockets (and requests in flight) to this peer; requests in flight adapt below it to
   * the peer's answer time and failures (adaptive-limiter.ts).
   */
  concurrency: number;
  timeoutMs: number;
  /** Larger answers are refused, SYNC_GUN_TOO_LARGE (an index of 10,000 entries is about 1 MB). */
  maxResponseBytes: number;
  /**
   * Bytes of answers received at once from this peer (GUN_HTTP_MAX_INFLIGHT_BYTES): each answer
   * takes its Content-Length (or `maxResponseBytes` without one) before its body is read.
   * Default: `maxResponseBytes` times `concurrency` (no limit beyond the sockets).
   */
  maxInflightBytes?: number | undefined;
  /** Sent as `Authorization: Bearer` on writes. */
  writeToken?: string | undefined;
}

export interface HttpPeer {
  readonly baseUrl: string;
  getNode(soul: string, signal?: AbortSignal): Promise<ReadResult<GunNode>>;
  /**
   * A type index node as a compact listing, read as the answer arrives (`field-scanner.ts`):
   * neither the answer's text nor the parsed node is ever held whole.
   */
  getIndex(soul: string, signal?: AbortSignal): Promise<ReadResult<IndexListing>>;
  putNode(soul: string, data: GunNode, signal?: AbortSignal): Promise<void>;
  close(): void;
}

export interface HttpAnswer {
  status: number;
  body: unknown;
}

/** What becomes of an answer's body as it arrives. */
interface BodyReader {
  write(chunk: Buffer): void;
  /** The body: parsed JSON, or the text when it is not JSON. */
  end(): unknown;
}

/** Keeps the body and parses it at the end. */
function wholeBody(): BodyReader {
  const chunks: Buffer[] = [];
  return {
    write: (chunk) => chunks.push(chunk),
    end() {
      const text = Buffer.concat(chunks).toString('utf8');
      try {
        return text === '' ? null : (JSON.parse(text) as unknown);
      } catch {
        return text; // non-JSON bodies (an HTML error page from a proxy) are kept as text
      }
    },
  };
}

/** Hands `data`'s fields to `onField` as they arrive; a body that is not JSON is kept as text (its start). */
function streamedBody(onField: (key: string, value: unknown) => void): BodyReader & {
  streamed(): boolean;
} {
  const decoder = new StringDecoder('utf8');
  const scanner = createFieldScanner(onField);
  let head = '';
  let failed = false;
  let streamed = false;
  const feed = (text: string) => {
    if (head.length < 4096) head += text.slice(0, 4096 - head.length);
    if (failed) return;
    try {
      scanner.write(text);
    } catch {
      failed = true;
    }
  };
  return {
    write: (chunk) => feed(decoder.write(chunk)),
    end() {
      feed(decoder.end());
      if (failed) return head;
      try {
        const answer = scanner.end();
        streamed = answer.streamed;
        return answer.body;
      } catch {
        return head;
      }
    },
    streamed: () => streamed,
  };
}

/**
 * What an answer says about the peer's load: an answer with content times the peer; a 404 (OIP's
 * relay holds it 3 s on purpose) and other 4xx say nothing; a 5xx other than a proxy's
 * 500-carrying-404 is the peer failing.
 */
export function toReadOutcome({ status, body }: HttpAnswer): ReadOutcome {
  if (status >= 200 && status < 300) return 'ok';
  if (status === 500 && /\b404\b/.test(errorText(body))) return 'ignore';
  if (status >= 500 || status === 429) return 'failed';
  return 'ignore';
}

/**
 * The relay API parses `data` and `oip` when they hold JSON strings (spec §1.3); the record
 * graph keeps raw nodes, so they are turned back into the strings GUN stores. A string that
 * did not parse comes back unchanged.
 */
export function toRawNode(data: Record<string, unknown>): GunNode {
  const node = toCleanNode(data);
  for (const key of ['data', 'oip']) {
    const value = node[key];
    if (typeof value === 'object' && value !== null && !isLink(value))
      node[key] = JSON.stringify(value);
  }
  return node;
}

function errorText(body: unknown): string {
  return typeof body === 'object' && body !== null && 'error' in body ? String(body.error) : '';
}

/**
 * The typed result of a `/get` answer: OIP's relay answers 404 for a missing soul (after 3 s),
 * its `/gun-relay` proxy turns that 404 into a 500 whose error names the 404 (spec §1.10).
 */
export function toGetResult({ status, body }: HttpAnswer, peer: string): ReadResult<GunNode> {
  if (status === 404) return notFound();
  if (status === 500 && /\b404\b/.test(errorText(body))) return notFound();
  if (status === 200 && typeof body === 'object' && body !== null && 'data' in body) {
    const data = body.data;
    if (typeof data !== 'object' || data === null || Array.isArray(data)) {
      return readError(
        new UpstreamError('SYNC_GUN_BAD_RESPONSE', 'relay answered a node that is not an object', {
          peer,
          retryable: false,
        }),
      );
    }
    const node = toRawNode(data as Record<string, unknown>);
    return Object.keys(node).length > 0 ? found(node) : notFound();
  }
  const retryable = status >= 500 || status === 429 || status === 408 || status === 0;
  // gun-sync's relay says when a node was still arriving at its stream limit (radisk).
  const partial =
    typeof body === 'object' && body !== null && 'code' in body && body.code === 'SYNC_GUN_PARTIAL';
  return readError(
    new UpstreamError(
      partial ? 'SYNC_GUN_PARTIAL' : 'SYNC_GUN_BAD_RESPONSE',
      `relay answered ${status} to /get${errorText(body) ? `: ${errorText(body)}` : ''}`,
      { peer, retryable },
    ),
  );
}

export function createHttpPeer(options: HttpPeerOptions): HttpPeer {
  const { baseUrl, timeoutMs, maxResponseBytes } = options;
  const secure = baseUrl.startsWith('https:');
  const agentOptions = {
    keepAlive: true,
    maxSockets: options.concurrency,
    maxFreeSockets: options.concurrency,
    timeout: timeoutMs * 2,
  };
  const agent = secure ? new HttpsAgent(agentOptions) : new HttpAgent(agentOptions);
  const request = secure ? httpsRequest : httpRequest;
  const limiter = createAdaptiveLimiter({ max: options.concurrency });
  const budget = createByteBudget(
    options.maxInflightBytes ?? maxResponseBytes * options.concurrency,
  );
  const tooLarge = (size: number | string) =>
    new UpstreamError(
      'SYNC_GUN_TOO_LARGE',
      `answer of ${size} bytes, more than ${maxResponseBytes}`,
      {
        peer: baseUrl,
        retryable: false,
      },
    );

  function send(
    method: 'GET' | 'POST',
    path: string,
    payload: string | undefined,
    signal: AbortSignal | undefined,
    headers: Record<string, string> = {},
    reader: BodyReader = wholeBody(),
  ): Promise<HttpAnswer> {
    return limiter.run(
      () =>
        new Promise<HttpAnswer>((settle, fail) => {
          const url = new URL(`${baseUrl}${path}`);
          // A timer and a listener on the caller's signal, both dropped once the request is
          // over: AbortSignal.timeout would keep every request's signal (and what listens to
          // it) alive for the whole timeout, and AbortSignal.any registers each request with
          // the scan's long-lived signal; at thousands of reads a second that was most of
          // discovery's heap (issue 16).
          let timedOut = false;
          const timer = setTimeout(() => {
            timedOut = true;
            req.destroy(new Error('timed out'));
          }, timeoutMs);
          const onAbort = () => req.destroy(new Error('aborted'));
          const finish = () => {
            clearTimeout(timer);
            signal?.removeEventListener('abort', onAbort);
          };
          const resolve = (answer: HttpAnswer) => {
            finish();
            settle(answer);
          };
          const reject = (err: Error) => {
            finish();
            fail(err);
          };
          const req = request(url, {
            method,
            agent,
            headers: {
              accept: 'application/json',
              ...(payload === undefined
                ? {}
                : {
                    'content-type': 'application/json',
                    'content-length': String(Buffer.byteLength(payload)),
                  }),
              ...headers,
            },
          });
          req.on('response', (res: IncomingMessage) => {
            const declared = Number(res.headers['content-length']);
            const known = Number.isFinite(declared) && declared >= 0;
            if (known && declared > maxResponseBytes) {
              req.destroy(tooLarge(declared));
              return;
            }
            res.pause();
            let size = 0;
            let release = () => {};
            res.on('close', () => release());
            void budget.take(known ? declared : maxResponseBytes).then((done) => {
              release = done;
              if (req.destroyed) return done();
              res.on('data', (chunk: Buffer) => {
                size += chunk.length;
                if (size > maxResponseBytes) {
                  req.destroy(tooLarge(`over ${maxResponseBytes}`));
                  return;
                }
                reader.write(chunk);
              });
              res.on('end', () => {
                done();
                resolve({ status: res.statusCode ?? 0, body: reader.end() });
              });
              res.resume();
            });
            res.on('error', reject);
          });
          req.on('error', (err) => {
            if (err instanceof UpstreamError) return reject(err);
            if (timedOut)
              return reject(
                new UpstreamError(
                  'SYNC_GUN_TIMEOUT',
                  `${method} ${path.split('?')[0]} timed out after ${timeoutMs} ms`,
                  { peer: baseUrl, cause: err },
                ),
              );
            if (signal?.aborted)
              return reject(
                new UpstreamError('SYNC_GUN_TIMEOUT', 'request aborted', {
                  peer: baseUrl,
                  cause: err,
                }),
              );
            reject(
              new UpstreamError(
                'SYNC_GUN_UNAVAILABLE',
                `${method} ${path.split('?')[0]} failed: ${err.message}`,
                { peer: baseUrl, cause: err },
              ),
            );
          });
          if (signal?.aborted) onAbort();
          else signal?.addEventListener('abort', onAbort, { once: true });
          req.end(payload);
        }),
      toReadOutcome,
    );
  }

  return {
    baseUrl,
    async getNode(soul, signal) {
      let answer: HttpAnswer;
      try {
        answer = await send('GET', `/get?soul=${encodeURIComponent(soul)}`, undefined, signal);
      } catch (err) {
        if (err instanceof UpstreamError) return readError(err);
        throw err;
      }
      return toGetResult(answer, baseUrl);
    },
    async getIndex(soul, signal) {
      const listing = createIndexListingBuilder(soul);
      const reader = streamedBody((key, value) => listing.add(key, value));
      let answer: HttpAnswer;
      try {
        const path = `/get?soul=${encodeURIComponent(soul)}`;
        answer = await send('GET', path, undefined, signal, {}, reader);
      } catch (err) {
        if (err instanceof UpstreamError) return readError(err);
        throw err;
      }
      if (answer.status === 200 && reader.streamed()) {
        const built = listing.build();
        return built.fields > 0 ? found(built) : notFound();
      }
      return mapFound(toGetResult(answer, baseUrl), (node) => toIndexListing(soul, node));
    },
    async putNode(soul, data, signal) {
      const headers: Record<string, string> = options.writeToken
        ? { authorization: `Bearer ${options.writeToken}` }
        : {};
      let answer: HttpAnswer;
      try {
        answer = await send('POST', '/put', JSON.stringify({ soul, data }), signal, headers);
      } catch (err) {
        throw new GunWriteError(`write to ${baseUrl} failed`, { cause: err });
      }
      if (answer.status === 200) return;
      const retryable = answer.status >= 500 || answer.status === 429 || answer.status === 408;
      throw new GunWriteError(
        `relay answered ${answer.status} to /put${errorText(answer.body) ? `: ${errorText(answer.body)}` : ''}`,
        { retryable },
      );
    },
    close() {
      agent.destroy();
    },
  };
}
