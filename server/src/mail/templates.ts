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

function layout(title: string, paragraphs: string[], action?: { label: string; url: string }): string {
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
<p style="margin:32px 0 0;font-size:12px;color:#4b5563">Sent by Lanyard. If you did not expect this email, you can ignore it.</p>
</body></html>`;
}

export function invitationEmail(input: {
  firstName: string;
  username: string;
  tenantName: string;
  url: string;
  expiresAt: Date;
}): RenderedEmail {
  const subject = `You're invited to ${input.tenantName}`;
  const expires = input.expiresAt.toISOString().replace('T', ' ').slice(0, 16) + ' UTC';
  const text = [
    `Hello ${input.firstName},`,
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
      `Hello ${escapeHtml(input.firstName)},`,
      `You have been invited to <strong>${escapeHtml(input.tenantName)}</strong>.`,
      `Your username: <strong>${escapeHtml(input.username)}</strong>`,
      `The link can be used once and is valid until ${escapeHtml(expires)}. After that, ask your administrator for a new one.`,
    ],
    { label: 'Set your password', url: input.url },
  );
  return { template: 'invitation', subject, text, html };
}

function formatTime(at: Date): string {
  return `${at.toISOString().replace('T', ' ').slice(0, 16)} UTC`;
}

export function passwordChangedEmail(input: { firstName: string; tenantName: string; changedAt: Date; ip?: string | null | undefined }): RenderedEmail {
  const subject = 'Your Lanyard password was changed';
  const where = input.ip === undefined || input.ip === null ? '' : ` from ${input.ip}`;
  const text = [
    `Hello ${input.firstName},`,
    '',
    `The password of your ${input.tenantName} account was changed at ${formatTime(input.changedAt)}${where}.`,
    'Your other sessions were signed out.',
    '',
    'If you did not change it, contact your administrator at once.',
  ].join('\n');
  const html = layout(subject, [
    `Hello ${escapeHtml(input.firstName)},`,
    `The password of your <strong>${escapeHtml(input.tenantName)}</strong> account was changed at ${escapeHtml(formatTime(input.changedAt))}${escapeHtml(where)}.`,
    'Your other sessions were signed out.',
    '<strong>If you did not change it, contact your administrator at once.</strong>',
  ]);
  return { template: 'password-changed', subject, text, html };
}

export function passwordResetEmail(input: { firstName: string; username: string; url: string; expiresAt: Date }): RenderedEmail {
  const subject = 'Reset your Lanyard password';
  const text = [
    `Hello ${input.firstName},`,
    '',
    `Someone asked to reset the password of the account "${input.username}".`,
    'Choose a new password with this link:',
    input.url,
    '',
    `The link can be used once and is valid until ${formatTime(input.expiresAt)}.`,
    'If you did not ask for this, ignore this email: your password stays as it is.',
  ].join('\n');
  const html = layout(
    subject,
    [
      `Hello ${escapeHtml(input.firstName)},`,
      `Someone asked to reset the password of the account <strong>${escapeHtml(input.username)}</strong>.`,
      `The link can be used once and is valid until ${escapeHtml(formatTime(input.expiresAt))}.`,
      'If you did not ask for this, ignore this email: your password stays as it is.',
    ],
    { label: 'Choose a new password', url: input.url },
  );
  return { template: 'password-reset', subject, text, html };
}
