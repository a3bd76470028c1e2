import { Type, type Static } from 'typebox';
import { recordTypePattern } from './force.js';

export const RegisterBody = Type.Object(
  {
    soul: Type.String({
      pattern: '^[0-9a-f]{12}:[^\\u0000-\\u001f]+$',
      maxLength: 1024,
      description:
        'Record soul as OIP computes it: <12 hex of sha256(creatorPubKey)>:<localId> (or :h:<hash>, :t:<time>)',
    }),
    recordType: Type.String({ pattern: recordTypePattern, examples: ['post'] }),
    creatorPubKey: Type.String({
      pattern: '^[A-Za-z0-9_-]+$',
      minLength: 16,
      maxLength: 4096,
      description: "The publisher's public key: the node wallet's jwk.n (base64url)",
    }),
    did: Type.Optional(
      Type.String({ maxLength: 1100, description: 'Must be did:gun:<soul> when given' }),
    ),
    timestamp: Type.Optional(
      Type.Integer({
        minimum: 0,
        description:
          'Registration time in ms (default: now). Repeat a call with the same value to make it a no-op; a later value announces an update',
      }),
    ),
  },
  { additionalProperties: false },
);
export type RegisterBody = Static<typeof RegisterBody>;

export const Registered = Type.Object({
  registered: Type.Literal(true),
  did: Type.String(),
  soul: Type.String(),
  recordType: Type.String(),
  nodeId: Type.String(),
  timestamp: Type.Integer(),
});
