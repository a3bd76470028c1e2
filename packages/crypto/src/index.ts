export { DerivedKeys, type DerivedKeysOptions, type KeyMaterial } from './derived-keys.js';
export { isEncryptedPayload } from './envelope.js';
export { buildKeyring, type Keyring, type KeyringSettings } from './keyring.js';
export {
  makeDecrypt,
  type Decrypt,
  type DecryptDeps,
  type DecryptFailureReason,
  type DecryptMode,
  type DecryptPolicy,
  type DecryptResult,
  type EncryptedPayload,
} from './decrypt.js';
export {
  checkSignature,
  verifySignature,
  signaturePolicies,
  type SignatureCheck,
  type SignatureOutcome,
  type SignaturePolicy,
  type SignedData,
} from './signature.js';
export { seal, open } from './seal.js';
export { KeyringError, SealError } from './crypto-error.js';
