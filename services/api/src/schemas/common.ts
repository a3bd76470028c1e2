import { Type, type TSchema } from 'typebox';

/** Every error body: Fastify's own shape, plus a stable code. */
export const errorReply = (description = 'An error: HTTP status, a stable code and a message') =>
  Type.Object(
    {
      statusCode: Type.Integer(),
      code: Type.Optional(Type.String()),
      error: Type.String(),
      message: Type.String(),
    },
    { description },
  );

export const ErrorReply = errorReply();

/** Responses every admin route can give before its handler runs (see auth.ts). */
export const authErrors = {
  401: errorReply('No admin token, or not the right one'),
  403: errorReply('Admin routes are disabled: API_ADMIN_TOKEN is not set'),
} as const;

/** OpenAPI security requirement of the admin routes. */
export const adminSecurity = [{ bearerAuth: [] }];

export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
