import type { Clock } from '../kernel/clock.ts';
import type { Encryptor } from '../kernel/encryption.ts';
import { newId } from '../kernel/ids.ts';
import type { Executor } from '../storage/db.ts';
import { insertOutboxMessage } from './outbox-repo.ts';
import { sealBody } from './sealed-body.ts';
import type { RenderedEmail } from './templates.ts';

/** A rendered email with its one recipient and the tenant it concerns (null for none). */
export type OutboxEmail = RenderedEmail & { tenantId: string | null; to: string };

/**
 * The transactional outbox, all that a domain sending email depends on. Delivery is the delivery
 * worker's business (delivery-worker.ts); see docs/architecture.md ("Email delivery").
 */
export interface Outbox {
  /**
   * Queues an email in the caller's transaction: it is sent if and only if the change commits. Its bodies
   * are stored sealed (sealed-body.ts) and dropped once the message is delivered or given up.
   */
  enqueue(executor: Executor, email: OutboxEmail): Promise<void>;
}

export function createOutbox(deps: {
  clock: Clock;
  /** Seals the bodies (AES-256-GCM under the key derived from the master key for outbox bodies). */
  encryptor: Encryptor;
  /** Called after each enqueue: the delivery worker's `poke`, which looks once the transaction has committed. */
  onEnqueued?: () => void;
}): Outbox {
  const enqueue = async (executor: Executor, email: OutboxEmail): Promise<void> => {
    const createdAt = deps.clock.now();
    const id = newId(createdAt.getTime());
    await insertOutboxMessage(executor, {
      id,
      tenantId: email.tenantId,
      template: email.template,
      recipient: email.to,
      subject: email.subject,
      bodySealed: sealBody(deps.encryptor, id, { text: email.text, html: email.html }),
      createdAt,
    });
    deps.onEnqueued?.();
  };
  return { enqueue };
}
