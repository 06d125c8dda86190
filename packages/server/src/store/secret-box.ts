import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { TracecheckError } from '@tracecheck/core';

/** Names the format of a sealed value, so another algorithm or key scheme can come later. */
const PREFIX = 'tcsecret:v1:';
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** Encrypts secret values for storage (secret run variables, SPEC §6.5). */
export interface SecretBox {
  /**
   * Seals a value: `tcsecret:v1:` + base64url(iv ‖ ciphertext ‖ tag), a fresh random IV each time.
   * `context` (e.g. `org/env`) is authenticated, not stored: the same context opens it.
   */
  encrypt(plaintext: string, context?: string): string;
  /** Opens a sealed value; rejects a value that was altered, sealed with another key or context. */
  decrypt(sealed: string, context?: string): string;
}

/**
 * Creates a box over a 256-bit key (AES-256-GCM).
 * @example
 * const box = createSecretBox(Buffer.from(process.env.KEY!, 'base64'));
 * box.decrypt(box.encrypt('hunter2', 'org1/env1'), 'org1/env1'); // 'hunter2'
 */
export function createSecretBox(key: Uint8Array): SecretBox {
  if (key.byteLength !== KEY_BYTES) {
    throw new TracecheckError(
      'CONFIG_INVALID',
      `the secret key must be ${KEY_BYTES} bytes (256 bits), got ${key.byteLength}: ` +
        'generate one with `openssl rand -base64 32`',
    );
  }
  const secretKey = Buffer.from(key);
  return {
    encrypt(plaintext, context = '') {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', secretKey, iv);
      cipher.setAAD(Buffer.from(context, 'utf8'));
      const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return PREFIX + Buffer.concat([iv, ciphertext, cipher.getAuthTag()]).toString('base64url');
    },
    decrypt(sealed, context = '') {
      if (!sealed.startsWith(PREFIX)) {
        throw new TracecheckError(
          'INTERNAL',
          `a stored secret starts with "${sealed.slice(0, PREFIX.length)}" instead of "${PREFIX}": ` +
            'it was not sealed by this version of Tracecheck',
        );
      }
      const bytes = Buffer.from(sealed.slice(PREFIX.length), 'base64url');
      if (bytes.byteLength < IV_BYTES + TAG_BYTES) {
        throw new TracecheckError(
          'INTERNAL',
          `a stored secret is ${bytes.byteLength} bytes long, shorter than the ${IV_BYTES + TAG_BYTES} ` +
            'bytes of IV and tag: it was truncated',
        );
      }
      const decipher = createDecipheriv('aes-256-gcm', secretKey, bytes.subarray(0, IV_BYTES));
      decipher.setAAD(Buffer.from(context, 'utf8'));
      decipher.setAuthTag(bytes.subarray(bytes.byteLength - TAG_BYTES));
      try {
        const ciphertext = bytes.subarray(IV_BYTES, bytes.byteLength - TAG_BYTES);
        return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
      } catch (error) {
        throw new TracecheckError(
          'INTERNAL',
          'a stored secret could not be decrypted: it was sealed with another key or context, or altered; ' +
            'check that the server runs with the key it had when the secret was saved',
          undefined,
          { cause: error },
        );
      }
    },
  };
}
