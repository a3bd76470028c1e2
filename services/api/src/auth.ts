/**
 * The admin token check (docs/api.md, "Auth"). Routes that change state, the dead-letter list
 * and the dashboard take `Authorization: Bearer <API_ADMIN_TOKEN>`. The dashboard also takes
 * HTTP Basic auth with the token as the password, and challenges for it, so a person's browser
 * asks once and then sends it with every page and XHR of the dashboard (no token in URLs, no
 * cookie to steal or forge). Tokens are compared in constant time.
 *
 * 401: no credentials, or not the right token. 403: no admin token is configured, so admin
 * routes are off on this node.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest, onRequestAsyncHookHandler } from 'fastify';

export interface AdminGuardOptions {
  /** API_ADMIN_TOKEN; undefined switches admin routes off (403). */
  token: string | undefined;
  /** Accept and challenge for Basic auth (the dashboard, for browsers). */
  basic?: boolean;
}

const realm = 'gun-sync';
const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

function sameToken(given: string, expected: string): boolean {
  // Hashing first gives equal lengths, so timingSafeEqual never leaks the length either.
  return timingSafeEqual(digest(given), digest(expected));
}

/** The credential carried by the request, or undefined when there is none it understands. */
function presented(request: FastifyRequest, basic: boolean): string | undefined {
  const header = request.headers.authorization;
  if (!header) return undefined;
  const [scheme, value] = header.split(' ', 2) as [string, string | undefined];
  if (!value) return undefined;
  if (scheme.toLowerCase() === 'bearer') return value.trim();
  if (basic && scheme.toLowerCase() === 'basic') {
    const decoded = Buffer.from(value.trim(), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    return colon === -1 ? undefined : decoded.slice(colon + 1);
  }
  return undefined;
}

function challenge(basic: boolean, error?: 'invalid_token'): string {
  if (basic) return `Basic realm="${realm}", charset="UTF-8"`;
  return error ? `Bearer realm="${realm}", error="${error}"` : `Bearer realm="${realm}"`;
}

function deny(reply: FastifyReply, statusCode: 401 | 403, code: string, message: string) {
  return reply.code(statusCode).send({
    statusCode,
    code,
    error: statusCode === 401 ? 'Unauthorized' : 'Forbidden',
    message,
  });
}

/** An onRequest hook: runs before body parsing and validation, so a 401 never leaks a 400. */
export function makeAdminGuard({
  token,
  basic = false,
}: AdminGuardOptions): onRequestAsyncHookHandler {
  return async (request, reply) => {
    if (token === undefined) {
      return deny(
        reply,
        403,
        'SYNC_ADMIN_DISABLED',
        'admin routes are disabled on this node: set API_ADMIN_TOKEN (or API_ADMIN_TOKEN_FILE)',
      );
    }
    const given = presented(request, basic);
    if (given === undefined) {
      reply.header('www-authenticate', challenge(basic));
      return deny(
        reply,
        401,
        'SYNC_AUTH_REQUIRED',
        basic
          ? 'this page needs the admin token: Authorization: Bearer <API_ADMIN_TOKEN>, or Basic auth with the token as the password'
          : 'this route needs the admin token: Authorization: Bearer <API_ADMIN_TOKEN>',
      );
    }
    if (!sameToken(given, token)) {
      request.log.warn({ url: request.routeOptions.url }, 'admin token rejected');
      reply.header('www-authenticate', challenge(basic, 'invalid_token'));
      return deny(reply, 401, 'SYNC_AUTH_INVALID', 'the admin token is not valid');
    }
  };
}

/** For routes open by default: a no-op unless `required` (API_HEALTH_AUTH). */
export function makeOptionalGuard(
  required: boolean,
  token: string | undefined,
): onRequestAsyncHookHandler {
  return required ? makeAdminGuard({ token }) : async () => {};
}
