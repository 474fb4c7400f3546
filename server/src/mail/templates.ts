/** Transactional email templates: plain text and HTML, every interpolated value escaped. */
export interface RenderedEmail {
  template: string;
  subject: string;
  text: string;
  html: string;
}

function escapeHtml(value: string): string {
  return value
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

/** `2026-01-15 09:00 UTC`: one unambiguous form for every reader, whatever their time zone. */
function formatUtc(at: Date): string {
  return at.toISOString().replace('T', ' ').slice(0, 16) + ' UTC';
}

const defaultFooter = 'Sent by Lanyard. If you did not expect this email, you can ignore it.';

function layout(title: string, paragraphs: string[], action?: { label: string; url: string }, footer = defaultFooter): string {
  const body = paragraphs.map((paragraph) => `<p style="margin:0 0 16px">${paragraph}</p>`).join('\n');
  const button =
    action === undefined
      ? ''
      : `<p style="margin:24px 0"><a href="${escapeHtml(action.url)}" style="background:#1d4ed8;color:#ffffff;padding:12px 20px;border-radius:6px;text-decoration:none;font-weight:600">${escapeHtml(action.label)}</a></p>
<p style="margin:0 0 16px;font-size:13px;color:#374151">If the button does not work, copy this link into your browser:<br><span style="word-break:break-all">${escapeHtml(action.url)}</span></p>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>
<body style="font-family:system-ui,-apple-system,'Segoe UI',sans-serif;color:#111827;line-height:1.5;max-width:560px;margin:0 auto;padding:24px">
<h1 style="font-size:20px;margin:0 0 16px">${escapeHtml(title)}</h1>
${body}
${button}
<p style="margin:32px 0 0;font-size:12px;color:#4b5563">${escapeHtml(footer)}</p>
</body></html>`;
}

/** "Hello Anne," — or just "Hello," for an account without a name (such as the first administrator). */
export function greeting(firstName: string): string {
  const name = firstName.trim();
  return name === '' ? 'Hello,' : `Hello ${name},`;
}

export function invitationEmail(input: {
  firstName: string;
  username: string;
  tenantName: string;
  url: string;
  expiresAt: Date;
}): RenderedEmail {
  const subject = `You're invited to ${input.tenantName}`;
  const expires = formatUtc(input.expiresAt);
  const text = [
    greeting(input.firstName),
    '',
    `You have been invited to ${input.tenantName}.`,
    `Your username: ${input.username}`,
    '',
    'Set your password with this link (first access):',
    input.url,
    '',
    `The link can be used once and is valid until ${expires}. After that, ask your administrator for a new one.`,
  ].join('\n');
  const html = layout(
    subject,
    [
      escapeHtml(greeting(input.firstName)),
      `You have been invited to <strong>${escapeHtml(input.tenantName)}</strong>.`,
      `Your username: <strong>${escapeHtml(input.username)}</strong>`,
      `The link can be used once and is valid until ${escapeHtml(expires)}. After that, ask your administrator for a new one.`,
    ],
    { label: 'Set your password', url: input.url },
  );
  return { template: 'invitation', subject, text, html };
}

/** " from the address 192.0.2.1" for a security notice, or nothing when the address is unknown. */
function fromAddress(ip: string | null | undefined): string {
  return ip === undefined || ip === null ? '' : ` from the address ${ip}`;
}

/**
 * Sent after a password change (by the user, or through a reset link): the account owner learns of it
 * either way. The password service signs out the other sessions before sending it.
 */
export function passwordChangedEmail(input: { firstName: string; tenantName: string; changedAt: Date; ip?: string | null | undefined }): RenderedEmail {
  const subject = 'Your Lanyard password was changed';
  const changed = formatUtc(input.changedAt);
  const where = fromAddress(input.ip);
  const warning = 'If you did not change it, reset your password and contact your administrator at once: someone else may be using your account.';
  const text = [
    greeting(input.firstName),
    '',
    `The password of your ${input.tenantName} account was changed at ${changed}${where}.`,
    'Your other sessions were signed out.',
    '',
    warning,
  ].join('\n');
  const html = layout(
    subject,
    [
      escapeHtml(greeting(input.firstName)),
      `The password of your <strong>${escapeHtml(input.tenantName)}</strong> account was changed at ${escapeHtml(changed)}${escapeHtml(where)}.`,
      'Your other sessions were signed out.',
      `<strong>${escapeHtml(warning)}</strong>`,
    ],
    undefined,
    'Sent by Lanyard because your password changed. This email contains no link; Lanyard never asks for your password by email.',
  );
  return { template: 'password-changed', subject, text, html };
}

/**
 * Sent when an access key is added to an account, so the owner notices a key they did not make. It names
 * the Access Key ID and never the secret (which is shown once, to whoever created the key), and holds no
 * link: the reader goes to the console themselves.
 */
export function accessKeyCreatedEmail(input: {
  firstName: string;
  username: string;
  tenantName: string;
  accessKeyId: string;
  description: string | null;
  createdAt: Date;
  expiresAt: Date | null;
  ip?: string | null | undefined;
}): RenderedEmail {
  const subject = 'A new access key was added to your Lanyard account';
  const created = formatUtc(input.createdAt);
  const where = fromAddress(input.ip);
  const expiry = input.expiresAt === null ? 'It does not expire.' : `It expires at ${formatUtc(input.expiresAt)}.`;
  const warning =
    'If you did not add it, deactivate or delete it at once in the console under My Profile › Access Keys, change your password, and contact your administrator: someone else may be using your account.';
  const text = [
    greeting(input.firstName),
    '',
    `An access key was added to your ${input.tenantName} account (username: ${input.username}) at ${created}${where}.`,
    '',
    `Access Key ID: ${input.accessKeyId}`,
    ...(input.description === null ? [] : [`Description: ${input.description}`]),
    expiry,
    'Programs that hold this key and its secret can act as you with your permissions.',
    '',
    warning,
  ].join('\n');
  const html = layout(
    subject,
    [
      escapeHtml(greeting(input.firstName)),
      `An access key was added to your <strong>${escapeHtml(input.tenantName)}</strong> account (username: <strong>${escapeHtml(input.username)}</strong>) at ${escapeHtml(created)}${escapeHtml(where)}.`,
      [
        `Access Key ID: <code>${escapeHtml(input.accessKeyId)}</code>`,
        ...(input.description === null ? [] : [`Description: ${escapeHtml(input.description)}`]),
        escapeHtml(expiry),
      ].join('<br>'),
      'Programs that hold this key and its secret can act as you with your permissions.',
      `<strong>${escapeHtml(warning)}</strong>`,
    ],
    undefined,
    'Sent by Lanyard because an access key was added to your account. Lanyard never sends the secret of a key by email.',
  );
  return { template: 'access-key-created', subject, text, html };
}

/** The forgotten-password link: single use, valid until expiresAt (60 minutes unless the tenant says otherwise). */
export function passwordResetEmail(input: { firstName: string; username: string; url: string; expiresAt: Date }): RenderedEmail {
  const subject = 'Reset your Lanyard password';
  const expires = formatUtc(input.expiresAt);
  const ignore = 'If you did not ask for this, ignore this email: your password stays as it is and the link expires on its own.';
  const text = [
    greeting(input.firstName),
    '',
    `Someone asked to reset the password of your account (username: ${input.username}).`,
    '',
    'Choose a new password with this link:',
    input.url,
    '',
    `The link can be used once and is valid until ${expires}.`,
    ignore,
  ].join('\n');
  const html = layout(
    subject,
    [
      escapeHtml(greeting(input.firstName)),
      `Someone asked to reset the password of your account (username: <strong>${escapeHtml(input.username)}</strong>).`,
      `The link can be used once and is valid until ${escapeHtml(expires)}.`,
      escapeHtml(ignore),
    ],
    { label: 'Choose a new password', url: input.url },
    'Sent by Lanyard because a password reset was requested for your account.',
  );
  return { template: 'password-reset', subject, text, html };
}
