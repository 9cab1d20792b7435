/**
 * Bearer token secrets: how they are made, hashed and compared.
 *
 * A token is `idg_` + 32 random bytes in base64url (256 bits of entropy). Because it is
 * random and long, not a human password, a single fast SHA-256 is the right hash: a
 * slow KDF (bcrypt, scrypt) only defends low-entropy secrets against guessing, and
 * would cost milliseconds on every API request. Hashes are compared with
 * crypto.timingSafeEqual.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export const TOKEN_PREFIX = 'idg_';

/** A fresh token secret: `idg_` + base64url(32 random bytes). */
export function generateTokenSecret(): string {
  return TOKEN_PREFIX + randomBytes(32).toString('base64url');
}

/** A fresh public token id (safe to show and log). */
export function generateTokenId(): string {
  return `tok_${randomBytes(6).toString('hex')}`;
}

/** SHA-256 of a token secret, hex encoded (what the tokens file stores). */
export function hashTokenSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** Constant-time equality of two hex SHA-256 digests. */
export function hashesEqual(aHex: string, bHex: string): boolean {
  const a = Buffer.from(aHex, 'hex');
  const b = Buffer.from(bHex, 'hex');
  // Digests of one algorithm have one length; a mismatch means a corrupt entry, never a match.
  if (a.length !== 32 || b.length !== 32) return false;
  return timingSafeEqual(a, b);
}
