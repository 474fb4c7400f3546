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
