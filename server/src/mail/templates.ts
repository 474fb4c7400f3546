import { renderHtml, renderText, type Block, type Inline } from './email-blocks.ts';
import { messagesFor, type MessageKey, type Messages, type RenderOptions } from './messages.ts';

/**
 * Transactional email templates. Each is a list of blocks (email-blocks.ts) whose every sentence comes from
 * the message catalogue (messages/en.json), rendered once to plain text and once to escaped HTML.
 */
export interface RenderedEmail {
  template: string;
  subject: string;
  text: string;
  html: string;
}

const paragraph = (content: Inline[]): Block => ({ kind: 'paragraph', content });
const emphasis = (content: Inline[]): Block => ({ kind: 'emphasis', content });

function render(
  m: Messages,
  email: { template: string; subject: string; blocks: Block[]; footer?: MessageKey },
): RenderedEmail {
  const document = { title: email.subject, blocks: email.blocks, footer: m.rich(email.footer ?? 'layout.footer'), lang: m.locale };
  return { template: email.template, subject: email.subject, text: renderText(document), html: renderHtml(document) };
}

function action(m: Messages, label: MessageKey, url: string): Block {
  return { kind: 'action', label: m.plain(label), url, fallback: m.rich('layout.buttonFallback') };
}

function greetingIn(m: Messages, firstName: string): string {
  const name = firstName.trim();
  return m.plain('layout.greeting', { named: name === '' ? 'no' : 'yes', firstName: name });
}

/** "Hello Anne," — or just "Hello," for an account without a name (such as the first administrator). */
export function greeting(firstName: string, options: RenderOptions = {}): string {
  return greetingIn(messagesFor(options), firstName);
}

/** " from the address 192.0.2.1" in a security notice, when the address is known. */
function address(ip: string | null | undefined): { hasAddress: 'yes' | 'no'; ip: string } {
  return ip === undefined || ip === null ? { hasAddress: 'no', ip: '' } : { hasAddress: 'yes', ip };
}

export function invitationEmail(
  input: { firstName: string; username: string; tenantName: string; url: string; expiresAt: Date },
  options: RenderOptions = {},
): RenderedEmail {
  const m = messagesFor(options);
  return render(m, {
    template: 'invitation',
    subject: m.plain('invitation.subject', { tenantName: input.tenantName }),
    blocks: [
      paragraph([greetingIn(m, input.firstName)]),
      paragraph(m.rich('invitation.invited', { tenantName: input.tenantName })),
      paragraph(m.rich('invitation.username', { username: input.username })),
      action(m, 'invitation.action', input.url),
      paragraph(m.rich('invitation.validity', { expiresAt: m.dateTime(input.expiresAt) })),
    ],
  });
}

/** Sent to a user created for single sign-on only: no password, no first-access link; they sign in on the sign-in page with SSO. */
export function ssoWelcomeEmail(input: { firstName: string; username: string; tenantName: string; loginUrl: string }, options: RenderOptions = {}): RenderedEmail {
  const m = messagesFor(options);
  return render(m, {
    template: 'sso-welcome',
    subject: m.plain('ssoWelcome.subject', { tenantName: input.tenantName }),
    blocks: [
      paragraph([greetingIn(m, input.firstName)]),
      paragraph(m.rich('ssoWelcome.created', { tenantName: input.tenantName })),
      paragraph(m.rich('ssoWelcome.username', { username: input.username })),
      paragraph(m.rich('ssoWelcome.how')),
      action(m, 'ssoWelcome.action', input.loginUrl),
    ],
  });
}

/**
 * Sent to an existing account an administrator invited to join their tenant (SPEC §3.12): nothing changes until the person accepts,
 * signed in; the link opens the console page that lists their invitations.
 */
export function membershipInvitationEmail(
  input: { firstName: string; username: string; tenantName: string; roleName: string; url: string; expiresAt: Date },
  options: RenderOptions = {},
): RenderedEmail {
  const m = messagesFor(options);
  return render(m, {
    template: 'membership-invitation',
    subject: m.plain('membershipInvitation.subject', { tenantName: input.tenantName }),
    blocks: [
      paragraph([greetingIn(m, input.firstName)]),
      paragraph(m.rich('membershipInvitation.invited', { tenantName: input.tenantName, username: input.username, roleName: input.roleName })),
      paragraph(m.rich('membershipInvitation.how', { tenantName: input.tenantName })),
      action(m, 'membershipInvitation.action', input.url),
      paragraph(m.rich('membershipInvitation.validity', { expiresAt: m.dateTime(input.expiresAt) })),
    ],
  });
}

/**
 * Sent after a password change (by the user, or through a reset link): the account owner learns of it
 * either way. The password service signs out the other sessions before sending it.
 */
export function passwordChangedEmail(
  input: { firstName: string; tenantName: string; changedAt: Date; ip?: string | null | undefined },
  options: RenderOptions = {},
): RenderedEmail {
  const m = messagesFor(options);
  return render(m, {
    template: 'password-changed',
    subject: m.plain('passwordChanged.subject'),
    blocks: [
      paragraph([greetingIn(m, input.firstName)]),
      paragraph(m.rich('passwordChanged.changed', { tenantName: input.tenantName, changedAt: m.dateTime(input.changedAt), ...address(input.ip) })),
      paragraph(m.rich('passwordChanged.signedOut')),
      emphasis(m.rich('passwordChanged.warning')),
    ],
    footer: 'passwordChanged.footer',
  });
}

/**
 * Sent when an access key is added to an account, so the owner notices a key they did not make. It names
 * the Access Key ID and never the secret (which is shown once, to whoever created the key), and holds no
 * link: the reader goes to the console themselves.
 */
export function accessKeyCreatedEmail(
  input: {
    firstName: string;
    username: string;
    tenantName: string;
    accessKeyId: string;
    description: string | null;
    createdAt: Date;
    expiresAt: Date | null;
    ip?: string | null | undefined;
  },
  options: RenderOptions = {},
): RenderedEmail {
  const m = messagesFor(options);
  const details = [
    m.rich('accessKeyCreated.keyId', { accessKeyId: input.accessKeyId }),
    ...(input.description === null ? [] : [m.rich('accessKeyCreated.description', { description: input.description })]),
    input.expiresAt === null ? m.rich('accessKeyCreated.neverExpires') : m.rich('accessKeyCreated.expires', { expiresAt: m.dateTime(input.expiresAt) }),
  ];
  return render(m, {
    template: 'access-key-created',
    subject: m.plain('accessKeyCreated.subject'),
    blocks: [
      paragraph([greetingIn(m, input.firstName)]),
      paragraph(
        m.rich('accessKeyCreated.added', {
          tenantName: input.tenantName,
          username: input.username,
          createdAt: m.dateTime(input.createdAt),
          ...address(input.ip),
        }),
      ),
      { kind: 'lines', lines: details },
      paragraph(m.rich('accessKeyCreated.power')),
      emphasis(m.rich('accessKeyCreated.warning')),
    ],
    footer: 'accessKeyCreated.footer',
  });
}

/** The forgotten-password link: single use, valid until expiresAt (60 minutes unless the tenant says otherwise). */
export function passwordResetEmail(
  input: { firstName: string; username: string; url: string; expiresAt: Date },
  options: RenderOptions = {},
): RenderedEmail {
  const m = messagesFor(options);
  return render(m, {
    template: 'password-reset',
    subject: m.plain('passwordReset.subject'),
    blocks: [
      paragraph([greetingIn(m, input.firstName)]),
      paragraph(m.rich('passwordReset.requested', { username: input.username })),
      action(m, 'passwordReset.action', input.url),
      paragraph(m.rich('passwordReset.validity', { expiresAt: m.dateTime(input.expiresAt) })),
      paragraph(m.rich('passwordReset.ignore')),
    ],
    footer: 'passwordReset.footer',
  });
}

/** The second-factor notices (SPEC §3.10): what happened, when and from where; never a secret, a code or a link. */
export type MfaNotice = 'mfa-enabled' | 'mfa-disabled' | 'mfa-reset' | 'mfa-recovery-code-used' | 'mfa-replay-detected';

const mfaNoticeKeys = {
  'mfa-enabled': { subject: 'mfaEnabled.subject', body: 'mfaEnabled.body', warning: 'mfaEnabled.warning' },
  'mfa-disabled': { subject: 'mfaDisabled.subject', body: 'mfaDisabled.body', warning: 'mfaDisabled.warning' },
  'mfa-reset': { subject: 'mfaReset.subject', body: 'mfaReset.body', warning: 'mfaReset.warning' },
  'mfa-recovery-code-used': { subject: 'mfaRecoveryCodeUsed.subject', body: 'mfaRecoveryCodeUsed.body', warning: 'mfaRecoveryCodeUsed.warning' },
  'mfa-replay-detected': { subject: 'mfaReplayDetected.subject', body: 'mfaReplayDetected.body', warning: 'mfaReplayDetected.warning' },
} as const satisfies Record<MfaNotice, { subject: MessageKey; body: MessageKey; warning: MessageKey }>;

export function mfaNoticeEmail(
  notice: MfaNotice,
  input: { firstName: string; username: string; tenantName: string; at: Date; ip?: string | null | undefined; recoveryCodesRemaining?: number },
  options: RenderOptions = {},
): RenderedEmail {
  const m = messagesFor(options);
  const keys = mfaNoticeKeys[notice];
  const values = { tenantName: input.tenantName, username: input.username, at: m.dateTime(input.at), ...address(input.ip) };
  return render(m, {
    template: notice,
    subject: m.plain(keys.subject),
    blocks: [
      paragraph([greetingIn(m, input.firstName)]),
      paragraph(m.rich(keys.body, values)),
      ...(input.recoveryCodesRemaining === undefined ? [] : [paragraph(m.rich('mfaRecoveryCodeUsed.remaining', { count: input.recoveryCodesRemaining }))]),
      emphasis(m.rich(keys.warning)),
    ],
    footer: 'mfa.footer',
  });
}

/** The email-change confirmation, sent to the new address: the address changes only when this link is followed. */
export function emailChangeConfirmationEmail(
  input: { firstName: string; username: string; newEmail: string; url: string; expiresAt: Date },
  options: RenderOptions = {},
): RenderedEmail {
  const m = messagesFor(options);
  return render(m, {
    template: 'email-change-confirmation',
    subject: m.plain('emailChangeConfirmation.subject'),
    blocks: [
      paragraph([greetingIn(m, input.firstName)]),
      paragraph(m.rich('emailChangeConfirmation.requested', { username: input.username, newEmail: input.newEmail })),
      action(m, 'emailChangeConfirmation.action', input.url),
      paragraph(m.rich('emailChangeConfirmation.validity', { expiresAt: m.dateTime(input.expiresAt) })),
      paragraph(m.rich('emailChangeConfirmation.ignore')),
    ],
    footer: 'emailChangeConfirmation.footer',
  });
}

/** The notice to the old address that a change to another one was asked for; no link. */
export function emailChangeNoticeEmail(
  input: { firstName: string; username: string; tenantName: string; newEmail: string; at: Date; ip?: string | null | undefined },
  options: RenderOptions = {},
): RenderedEmail {
  const m = messagesFor(options);
  return render(m, {
    template: 'email-change-notice',
    subject: m.plain('emailChangeNotice.subject'),
    blocks: [
      paragraph([greetingIn(m, input.firstName)]),
      paragraph(m.rich('emailChangeNotice.body', { tenantName: input.tenantName, username: input.username, newEmail: input.newEmail, at: m.dateTime(input.at), ...address(input.ip) })),
      emphasis(m.rich('emailChangeNotice.warning')),
    ],
    footer: 'emailChangeNotice.footer',
  });
}

/** Sent when an identity provider is linked to or unlinked from an account (by the user, or at the first SSO sign-in); no link in it. */
export function identityLinkEmail(
  input: { firstName: string; tenantName: string; providerName: string; at: Date; change: 'linked' | 'unlinked' },
  options: RenderOptions = {},
): RenderedEmail {
  const m = messagesFor(options);
  const values = { providerName: input.providerName, tenantName: input.tenantName, at: m.dateTime(input.at) };
  return render(m, {
    template: `identity-provider-${input.change}`,
    subject: m.plain(input.change === 'linked' ? 'identityLink.linkedSubject' : 'identityLink.unlinkedSubject'),
    blocks: [
      paragraph([greetingIn(m, input.firstName)]),
      paragraph(m.rich(input.change === 'linked' ? 'identityLink.linked' : 'identityLink.unlinked', values)),
      emphasis(m.rich('identityLink.warning')),
    ],
  });
}
