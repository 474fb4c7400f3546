import type { Account, AccountPatch, Preferences, TextSize } from '@lanyard/contracts/account';
import { AppError } from '../errors/app-error.ts';
import type { AuditService } from '../audit/audit-service.ts';
import type { Clock } from '../kernel/clock.ts';
import type { Principal } from '../kernel/principal.ts';
import type { RequestMeta } from '../kernel/request-meta.ts';
import type { SingleUseLinksService } from '../links/links-service.ts';
import { emailChangeConfirmationEmail, emailChangeNoticeEmail } from '../mail/templates.ts';
import type { Outbox } from '../mail/outbox.ts';
import type { PasswordsService } from '../passwords/passwords-service.ts';
import type { Db, Executor } from '../storage/db.ts';
import { invalidationTopics, type Notifications } from '../storage/notifications.ts';
import type { TenantsService } from '../tenants/tenants-service.ts';
import type { UsersService } from '../users/users-service.ts';
import { findAccountSettings, lockAccountSettings, saveAccountSettings } from './account-repo.ts';
import {
  assertWfmInterval,
  canEditOf,
  canonicalLanguage,
  canonicalTimeZone,
  emailChangeLifetimeMs,
  pendingEmailAt,
  permissionsNeededFor,
  validPreferences,
  type AccountSettings,
} from './account.ts';

/** My Profile › Account (details, email change) and › Accessibility (preferences): the signed-in person's own account. */
export interface AccountService {
  getAccount(principal: Principal): Promise<Account>;
  /** Changes the fields given; PERMISSION_DENIED (nothing stored) when any needs a permission the principal lacks; TIME_ZONE_INVALID, LANGUAGE_INVALID, WFM_INTERVAL_INVALID. */
  updateAccount(principal: Principal, patch: AccountPatch, meta: RequestMeta): Promise<Account>;
  /** With the current password: a confirmation link to the new address, a notice to the old one; the address changes when the link is followed. */
  requestEmailChange(principal: Principal, input: { email: string; currentPassword: string }, meta: RequestMeta): Promise<{ pendingEmail: string; expiresAt: Date }>;
  /**
   * An administrator of the person's home tenant asks for their email to change (the caller checked the authority): the same
   * confirmation link to the new address and notice to the current one as My Account, in `executor`, audited with the administrator
   * as the actor; the address changes when the person follows the link. EMAIL_UNCHANGED for the address they have.
   */
  requestEmailChangeFor(executor: Executor, input: { userId: string; tenantId: string; email: string; actorUserId: string; meta: RequestMeta }): Promise<{ pendingEmail: string; expiresAt: Date }>;
  /** Follows a confirmation link once: the email changes. EMAIL_CHANGE_LINK_NOT_FOUND, _EXPIRED, _USED. */
  confirmEmailChange(token: string, meta: RequestMeta): Promise<void>;
  getPreferences(userId: string): Promise<Preferences>;
  /** PREFERENCES_INVALID unless the duration is a whole number of seconds from 1 to 10. */
  putPreferences(userId: string, input: { toastDurationSeconds: number; reducedMotion: boolean; highContrast: boolean; textSize: TextSize }): Promise<Preferences>;
}

export function createAccountService(deps: {
  db: Db;
  clock: Clock;
  users: Pick<UsersService, 'getUser' | 'updatePersonalDetails'>;
  tenants: Pick<TenantsService, 'getTenant'>;
  passwords: Pick<PasswordsService, 'confirmCurrentPassword'>;
  links: SingleUseLinksService;
  audit: Pick<AuditService, 'record'>;
  mail: Outbox;
  notifications: Pick<Notifications, 'publish' | 'deliverCommitted'>;
}): AccountService {
  const emailLinks = deps.links.kind({
    purpose: 'email-change',
    route: 'confirm-email',
    errors: { notFound: 'EMAIL_CHANGE_LINK_NOT_FOUND', expired: 'EMAIL_CHANGE_LINK_EXPIRED', used: 'EMAIL_CHANGE_LINK_USED', replaced: 'EMAIL_CHANGE_LINK_USED' },
  });

  const accountOf = async (principal: Principal, settings?: AccountSettings): Promise<Account> => {
    const [user, stored] = await Promise.all([deps.users.getUser(principal.userId), settings ?? findAccountSettings(deps.db, principal.userId)]);
    const wfmVisible = principal.permissions.has('profile.wfmNotifications');
    return {
      username: user.username,
      userId: user.id,
      firstName: user.firstName,
      lastName: user.lastName,
      email: user.email,
      pendingEmail: pendingEmailAt(stored, deps.clock.now()),
      location: stored.location,
      timeZone: stored.timeZone,
      language: stored.language,
      defaultDialingPattern: stored.defaultDialingPattern,
      wfmNotifications: wfmVisible ? { ...stored.wfm } : null,
      canEdit: canEditOf(principal.permissions),
    };
  };

  type User = Awaited<ReturnType<UsersService['getUser']>>;
  type Tenant = Awaited<ReturnType<TenantsService['getTenant']>>;
  /** The confirmation link to the new address and the notice to the current one, audited; the one email-change flow (My Account and the home tenant's administrators). */
  const sendEmailChange = async (
    trx: Executor,
    input: { user: User; tenant: Tenant; email: string; actorUserId: string; meta: RequestMeta },
  ): Promise<{ pendingEmail: string; expiresAt: Date }> => {
    const { user, tenant, meta } = input;
    const now = deps.clock.now();
    const expiresAt = new Date(now.getTime() + emailChangeLifetimeMs);
    const settings = await lockAccountSettings(trx, user.id, now);
    // A newer request replaces the older link: only the last address asked for can be confirmed.
    await emailLinks.replaceOpen(trx, user.id);
    const createdBy = input.actorUserId === user.id ? null : input.actorUserId;
    const { url } = await emailLinks.create(trx, { tenantId: tenant.id, userId: user.id, createdBy, expiresAt, details: { email: input.email } });
    await saveAccountSettings(trx, user.id, { ...settings, pendingEmail: { email: input.email, expiresAt } }, now);
    await deps.mail.enqueue(trx, {
      ...emailChangeConfirmationEmail({ firstName: user.firstName, username: user.username, newEmail: input.email, url, expiresAt }),
      tenantId: tenant.id,
      to: input.email,
    });
    await deps.mail.enqueue(trx, {
      ...emailChangeNoticeEmail({ firstName: user.firstName, username: user.username, tenantName: tenant.name, newEmail: input.email, at: now, ip: meta.ip }),
      tenantId: tenant.id,
      to: user.email,
    });
    await deps.audit.record(trx, {
      tenantId: tenant.id,
      actorUserId: input.actorUserId,
      action: 'email.change.requested',
      result: 'success',
      targetType: 'user',
      targetId: user.id,
      ip: meta.ip,
      details: { newEmail: input.email, ...(createdBy === null ? {} : { byAdministrator: true }) },
    });
    return { pendingEmail: input.email, expiresAt };
  };

  const invalidate = { topic: invalidationTopics.user };

  return {
    getAccount: (principal) => accountOf(principal),

    async updateAccount(principal, patch, meta) {
      const missing = permissionsNeededFor(patch).filter((permission) => !principal.permissions.has(permission));
      if (missing.length > 0) throw new AppError('PERMISSION_DENIED', { details: { missing } });
      const timeZone = patch.timeZone === undefined ? undefined : canonicalTimeZone(patch.timeZone);
      const language = patch.language === undefined ? undefined : canonicalLanguage(patch.language);
      if (patch.wfmNotifications !== undefined) assertWfmInterval(patch.wfmNotifications.intervalMinutes);
      const names = {
        ...(patch.firstName === undefined ? {} : { firstName: patch.firstName }),
        ...(patch.lastName === undefined ? {} : { lastName: patch.lastName }),
      };
      const fields = Object.keys(patch).sort();
      const saved = await deps.db.transaction().execute(async (trx) => {
        const now = deps.clock.now();
        const current = await lockAccountSettings(trx, principal.userId, now);
        const next: AccountSettings = {
          ...current,
          ...(patch.location === undefined ? {} : { location: patch.location }),
          ...(timeZone === undefined ? {} : { timeZone }),
          ...(language === undefined ? {} : { language }),
          ...(patch.defaultDialingPattern === undefined ? {} : { defaultDialingPattern: patch.defaultDialingPattern }),
          ...(patch.wfmNotifications === undefined ? {} : { wfm: { enabled: patch.wfmNotifications.enabled, intervalMinutes: patch.wfmNotifications.intervalMinutes } }),
        };
        await saveAccountSettings(trx, principal.userId, next, now);
        if (Object.keys(names).length > 0) {
          await deps.users.updatePersonalDetails(principal.userId, names, trx);
          await deps.notifications.publish(trx, { ...invalidate, id: principal.userId });
        }
        if (fields.length > 0) {
          await deps.audit.record(trx, {
            tenantId: principal.tenantId,
            actorUserId: principal.userId,
            action: 'account.updated',
            result: 'success',
            targetType: 'user',
            targetId: principal.userId,
            ip: meta.ip,
            details: { fields },
          });
        }
        return next;
      });
      if (Object.keys(names).length > 0) deps.notifications.deliverCommitted({ ...invalidate, id: principal.userId });
      return accountOf(principal, saved);
    },

    async requestEmailChange(principal, input, meta) {
      await deps.passwords.confirmCurrentPassword(principal, input.currentPassword, 'email.change.requested', meta);
      const [user, tenant] = await Promise.all([deps.users.getUser(principal.userId), deps.tenants.getTenant(principal.tenantId)]);
      if (user.email.toLowerCase() === input.email.toLowerCase()) throw new AppError('EMAIL_UNCHANGED');
      return deps.db.transaction().execute((trx) => sendEmailChange(trx, { user, tenant, email: input.email, actorUserId: user.id, meta }));
    },

    async requestEmailChangeFor(executor, input) {
      const user = await deps.users.getUser(input.userId, executor);
      const tenant = await deps.tenants.getTenant(input.tenantId, executor);
      if (user.email.toLowerCase() === input.email.toLowerCase()) throw new AppError('EMAIL_UNCHANGED');
      return sendEmailChange(executor, { user, tenant, email: input.email, actorUserId: input.actorUserId, meta: input.meta });
    },

    async confirmEmailChange(token, meta) {
      const link = await emailLinks.describe(token);
      const email = link.details.email;
      if (typeof email !== 'string') throw new AppError('EMAIL_CHANGE_LINK_NOT_FOUND');
      await deps.db.transaction().execute(async (trx) => {
        const now = deps.clock.now();
        await emailLinks.consume(trx, token, link);
        const before = await deps.users.getUser(link.userId, trx);
        await deps.users.updatePersonalDetails(link.userId, { email }, trx);
        const settings = await lockAccountSettings(trx, link.userId, now);
        if (settings.pendingEmail?.email === email) await saveAccountSettings(trx, link.userId, { ...settings, pendingEmail: null }, now);
        await deps.audit.record(trx, {
          tenantId: link.tenantId,
          actorUserId: link.userId,
          action: 'email.changed',
          result: 'success',
          targetType: 'user',
          targetId: link.userId,
          ip: meta.ip,
          details: { fromEmail: before.email, toEmail: email },
        });
        await deps.notifications.publish(trx, { ...invalidate, id: link.userId });
      });
      deps.notifications.deliverCommitted({ ...invalidate, id: link.userId });
    },

    async getPreferences(userId) {
      return (await findAccountSettings(deps.db, userId)).preferences;
    },

    async putPreferences(userId, input) {
      const preferences = validPreferences(input);
      await deps.db.transaction().execute(async (trx) => {
        const now = deps.clock.now();
        const current = await lockAccountSettings(trx, userId, now);
        await saveAccountSettings(trx, userId, { ...current, preferences }, now);
      });
      return preferences;
    },
  };
}
