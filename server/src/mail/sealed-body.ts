import { createEncryptor, type Encryptor } from '../kernel/encryption.ts';
import { deriveKey } from '../kernel/secrets.ts';

/** The two bodies of an email; the subject stays in the clear (it carries no link). */
export interface EmailBody {
  text: string;
  html: string;
}

/** The outbox's encryptor: AES-256-GCM under a key derived from the master key for this purpose alone. */
export function createOutboxEncryptor(masterKey: Buffer): Encryptor {
  return createEncryptor(deriveKey(masterKey, 'outbox-bodies'));
}

/** Binds a sealed body to its outbox row: a ciphertext copied onto another row does not open. */
function associatedData(outboxId: string): string {
  return `outbox_messages:${outboxId}`;
}

/**
 * Seals both bodies of an outbox message together with AES-256-GCM (kernel/encryption.ts, under the key
 * derived for outbox bodies), so a database dump or backup holds no link that could sign someone in.
 */
export function sealBody(encryptor: Encryptor, outboxId: string, body: EmailBody): Buffer {
  return encryptor.encrypt(Buffer.from(JSON.stringify({ text: body.text, html: body.html }), 'utf8'), associatedData(outboxId));
}

/** Opens what sealBody sealed for this row; throws if it was sealed for another row, under another key, or altered. */
export function openBody(encryptor: Encryptor, outboxId: string, sealed: Uint8Array): EmailBody {
  const parsed: unknown = JSON.parse(encryptor.decrypt(sealed, associatedData(outboxId)).toString('utf8'));
  if (typeof parsed !== 'object' || parsed === null) throw new Error('a sealed outbox body is not an object');
  const { text, html } = parsed as Record<string, unknown>;
  if (typeof text !== 'string' || typeof html !== 'string') throw new Error('a sealed outbox body lacks its text or HTML');
  return { text, html };
}
