import type { ErrorCode } from '@lanyard/contracts/error-codes';
import { AppError } from '../errors/app-error.ts';
import type { Clock } from '../kernel/clock.ts';
import { newId } from '../kernel/ids.ts';
import { newSecretToken, type SecretHasher } from '../kernel/secrets.ts';
import type { Db, Executor } from '../storage/db.ts';
import { randomBytes } from 'node:crypto';
import { consumeLink, consumeLinkByTokenHash, countSelfRequestedLinks, findLinkByTokenHash, insertLink, replaceOpenLinks } from './links-repo.ts';
import { consoleLinkUrl, linkState, normalizeUnlockCode, unlockCodeFrom, type LinkPurpose, type LinkState, type SingleUseLink } from './links.ts';

/** How one kind of link is refused: the catalogue code for each state but pending, and for an unknown token. */
export type LinkErrors = Record<Exclude<LinkState, 'pending'>, ErrorCode> & { notFound: ErrorCode };

/** One kind of emailed single-use link, bound to its purpose, console route and error codes. */
export interface LinkKind {
  /** Creates a link in `trx`: the token is in the URL (shown once, emailed) and answered once; its keyed hash is stored. */
  create(
    trx: Executor,
    input: { tenantId: string; userId: string; createdBy: string | null; expiresAt: Date; details?: Record<string, unknown> },
  ): Promise<{ link: SingleUseLink; url: string; token: string }>;
  /** The pending link a token names, or the kind's coded error for the state it is in. */
  describe(token: string, executor?: Executor): Promise<SingleUseLink>;
  /** Uses a described link exactly once; a caller that lost a race gets the code of the link's state now. */
  consume(trx: Executor, token: string, link: SingleUseLink): Promise<void>;
  /** Every open link of this kind for the user (in the tenant, when given) stops working. */
  replaceOpen(executor: Executor, userId: string, tenantId?: string): Promise<void>;
  /** Links of this kind the user asked for themselves since `since`, used or not. */
  countSelfRequested(executor: Executor, userId: string, since: Date): Promise<number>;
}

/**
 * One kind of short single-use code read out to a person (an unlock code): 8 symbols, stored only as a keyed
 * hash bound to its user and purpose, so it is only ever looked up together with the account it was issued for.
 */
export interface CodeKind {
  /** Issues a code for the user in `trx`; every open code of this kind for the user stops working first. */
  issue(trx: Executor, input: { tenantId: string; userId: string; createdBy: string | null; expiresAt: Date }): Promise<{ link: SingleUseLink; code: string }>;
  /** Uses the user's pending code that `typed` names (spaces, hyphens and case ignored): exactly once, or undefined. */
  consume(executor: Executor, userId: string, typed: string): Promise<SingleUseLink | undefined>;
  /** Every open code of this kind for the user stops working (the reason for it went away another way). */
  cancelOpen(executor: Executor, userId: string): Promise<void>;
}

export interface SingleUseLinksService {
  /** The mechanism for one purpose; each domain that emails links asks for its kind once. */
  kind(definition: { purpose: LinkPurpose; route: string; errors: LinkErrors }): LinkKind;
  /** The mechanism for codes of one purpose (read out, not emailed). */
  codeKind(definition: { purpose: LinkPurpose }): CodeKind;
}

export function createSingleUseLinksService(deps: { db: Db; clock: Clock; secrets: SecretHasher; publicUrl: URL }): SingleUseLinksService {
  return {
    kind({ purpose, route, errors }) {
      const refuse = (state: Exclude<LinkState, 'pending'>): AppError => new AppError(errors[state]);
      const describe = async (token: string, executor: Executor = deps.db): Promise<SingleUseLink> => {
        const link = await findLinkByTokenHash(executor, purpose, deps.secrets.hash(token));
        if (link === undefined) throw new AppError(errors.notFound);
        const state = linkState(link, deps.clock.now());
        if (state !== 'pending') throw refuse(state);
        return link;
      };
      return {
        async create(trx, input) {
          const createdAt = deps.clock.now();
          const token = newSecretToken();
          const link: SingleUseLink = { id: newId(createdAt.getTime()), purpose, ...input, details: input.details ?? {}, createdAt, usedAt: null, replacedAt: null };
          await insertLink(trx, link, deps.secrets.hash(token));
          return { link, url: consoleLinkUrl(deps.publicUrl, route, token), token };
        },
        describe,
        async consume(trx, token, link) {
          if ((await consumeLink(trx, link.id, deps.clock.now())) !== undefined) return;
          // Lost a race, or crossed the expiry meanwhile: report the state as it is now.
          await describe(token, trx);
          throw refuse('used');
        },
        replaceOpen: (executor, userId, tenantId) => replaceOpenLinks(executor, purpose, userId, tenantId, deps.clock.now()),
        countSelfRequested: (executor, userId, since) => countSelfRequestedLinks(executor, purpose, userId, since),
      };
    },

    codeKind({ purpose }) {
      // 40 bits cannot be unique across every user; bound to the user, a code only has to differ from that user's own.
      const hashOf = (userId: string, code: string): Buffer => deps.secrets.hash(`${purpose}:${userId}:${code}`);
      return {
        async issue(trx, input) {
          const createdAt = deps.clock.now();
          await replaceOpenLinks(trx, purpose, input.userId, undefined, createdAt);
          const code = unlockCodeFrom(randomBytes(8));
          const link: SingleUseLink = { id: newId(createdAt.getTime()), purpose, ...input, details: {}, createdAt, usedAt: null, replacedAt: null };
          await insertLink(trx, link, hashOf(input.userId, code));
          return { link, code };
        },
        async consume(executor, userId, typed) {
          const code = normalizeUnlockCode(typed);
          if (code === undefined) return undefined;
          return consumeLinkByTokenHash(executor, purpose, userId, hashOf(userId, code), deps.clock.now());
        },
        cancelOpen: (executor, userId) => replaceOpenLinks(executor, purpose, userId, undefined, deps.clock.now()),
      };
    },
  };
}
