import { describe, expect, it } from 'vitest';
import { accessKeyCreatedEmail, greeting, invitationEmail, membershipInvitationEmail, passwordChangedEmail, passwordResetEmail, ssoWelcomeEmail, type RenderedEmail } from './templates.ts';

const hostile = '<script>alert("x")</script> & \'quoted\'';
const escaped = '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;quoted&#39;';
const hostileUrl = 'https://lanyard.test/reset-password/abc?a=1&b="><img src=x>';
const escapedUrl = 'https://lanyard.test/reset-password/abc?a=1&amp;b=&quot;&gt;&lt;img src=x&gt;';
const at = new Date('2026-01-15T10:00:00.000Z');

function expectEscaped(email: RenderedEmail): void {
  expect(email.html).not.toContain('<script>');
  expect(email.html).not.toContain('<img');
  expect(email.html).toContain(escaped);
  // Plain text is not HTML: the value appears as given.
  expect(email.text).toContain(hostile);
}

describe('email templates', () => {
  it('greet a person by first name, and an account without a name without one', () => {
    expect(greeting('Anne')).toBe('Hello Anne,');
    expect(greeting('  ')).toBe('Hello,');
    const unnamed = invitationEmail({ firstName: '', username: 'admin', tenantName: 'Default', url: 'https://lanyard.test/first-access/x', expiresAt: at });
    expect(unnamed.text.split('\n')[0]).toBe('Hello,');
    expect(unnamed.html).toContain('Hello,');
    expect(unnamed.html).not.toContain('Hello ,');
  });

  it('escapes every value in the invitation HTML', () => {
    const email = invitationEmail({ firstName: hostile, username: hostile, tenantName: hostile, url: hostileUrl, expiresAt: at });
    expectEscaped(email);
    expect(email.html).toContain(`href="${escapedUrl}"`);
    expect(email.html.split(escaped)).toHaveLength(6); // 5 places: title, heading, greeting, tenant, username
  });

  it('escapes every value in the invitation to join a tenant, and names the role, the link and until when it is open', () => {
    const email = membershipInvitationEmail({ firstName: hostile, username: hostile, tenantName: hostile, roleName: hostile, url: hostileUrl, expiresAt: at });
    expectEscaped(email);
    expect(email.template).toBe('membership-invitation');
    expect(email.html).toContain(`href="${escapedUrl}"`);
    expect(email.text).toContain('2026-01-15 10:00 UTC');
    expect(email.text).toContain(hostileUrl);
  });

  it('escapes the name, tenant and address in the password-changed notice, and names the time and address', () => {
    const email = passwordChangedEmail({ firstName: hostile, tenantName: hostile, changedAt: at, ip: '<b>203.0.113.9</b>' });
    expectEscaped(email);
    expect(email.template).toBe('password-changed');
    expect(email.html).toContain('&lt;b&gt;203.0.113.9&lt;/b&gt;');
    expect(email.html).not.toContain('<b>203');
    expect(email.text).toContain('changed at 2026-01-15 10:00 UTC from the address <b>203.0.113.9</b>.');
    expect(email.text).toContain('If you did not change it');
    expect(email.text).not.toMatch(/https?:\/\//);
  });

  it('leaves the address out of the password-changed notice when it is unknown', () => {
    const email = passwordChangedEmail({ firstName: 'Anne', tenantName: 'Acme', changedAt: at, ip: null });
    expect(email.text).toContain('changed at 2026-01-15 10:00 UTC.');
    expect(email.text).not.toContain('from the address');
    expect(email.html).not.toContain('from the address');
  });

  it('escapes the password-reset email and says until when the single-use link works and to ignore it if unasked', () => {
    const email = passwordResetEmail({ firstName: hostile, username: hostile, url: hostileUrl, expiresAt: at });
    expectEscaped(email);
    expect(email.template).toBe('password-reset');
    expect(email.html).toContain(`href="${escapedUrl}"`);
    expect(email.text).toContain(`\n${hostileUrl}\n`);
    expect(email.text).toContain('can be used once and is valid until 2026-01-15 10:00 UTC.');
    expect(email.text).toContain('If you did not ask for this, ignore this email');
    expect(email.html).toContain('If you did not ask for this, ignore this email');
  });

  it('escapes every value in the access-key-created notice and names the key, the time, the address and what to do', () => {
    const email = accessKeyCreatedEmail({
      firstName: hostile,
      username: hostile,
      tenantName: hostile,
      accessKeyId: 'LAKX3J7Q2M5R4T6W8Y2Z3B',
      description: hostile,
      createdAt: at,
      expiresAt: new Date('2026-02-01T00:00:00.000Z'),
      ip: '<b>203.0.113.9</b>',
    });
    expectEscaped(email);
    expect(email.template).toBe('access-key-created');
    expect(email.html.split(escaped)).toHaveLength(5); // 4 places: greeting, tenant, username, description
    expect(email.html).toContain('&lt;b&gt;203.0.113.9&lt;/b&gt;');
    expect(email.html).not.toContain('<b>203');
    expect(email.text).toContain('Access Key ID: LAKX3J7Q2M5R4T6W8Y2Z3B');
    expect(email.html).toContain('LAKX3J7Q2M5R4T6W8Y2Z3B');
    expect(email.text).toContain('at 2026-01-15 10:00 UTC from the address <b>203.0.113.9</b>.');
    expect(email.text).toContain('It expires at 2026-02-01 00:00 UTC.');
    expect(email.text).toContain('If you did not add it, deactivate or delete it at once');
    expect(email.text).not.toMatch(/https?:\/\//);
  });

  it('leaves out what is unknown from the access-key-created notice, and never carries a secret it is handed', () => {
    const secret = 'sk-live-must-never-be-mailed';
    // A caller passing the whole created key (secret included) must not get it into the email.
    const input = { firstName: 'Anne', username: 'anne', tenantName: 'Acme', accessKeyId: 'LAKX3J7Q2M5R4T6W8Y2Z3B', description: null, createdAt: at, expiresAt: null, ip: null, accessKeySecret: secret };
    const email = accessKeyCreatedEmail(input);
    for (const part of [email.subject, email.text, email.html]) expect(part).not.toContain(secret);
    expect(email.text).toContain('at 2026-01-15 10:00 UTC.');
    expect(email.text).not.toContain('from the address');
    expect(email.text).not.toContain('Description:');
    expect(email.text).toContain('It does not expire.');
  });
});

/** The lines a reader sees in the HTML body (below the heading, which is the subject), unescaped. */
function htmlLines(html: string): string[] {
  const body = html.slice(html.indexOf('</h1>') + '</h1>'.length);
  return body
    .replaceAll('<br>', '\n')
    .replaceAll('</p>', '\n')
    .replaceAll(/<[^>]+>/g, '')
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&quot;', '"')
    .replaceAll('&#39;', "'")
    .replaceAll('&amp;', '&')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
}

function textLines(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && line !== '--');
}

describe('text and HTML', () => {
  const buttonFallback = 'If the button does not work, copy this link into your browser:';
  const everyEmail: [string, RenderedEmail][] = [
    ['invitation', invitationEmail({ firstName: hostile, username: hostile, tenantName: hostile, url: hostileUrl, expiresAt: at })],
    ['invitation without a name', invitationEmail({ firstName: '', username: 'admin', tenantName: 'Default', url: 'https://lanyard.test/first-access/x', expiresAt: at })],
    ['password changed', passwordChangedEmail({ firstName: hostile, tenantName: hostile, changedAt: at, ip: '<b>203.0.113.9</b>' })],
    ['password changed, address unknown', passwordChangedEmail({ firstName: 'Anne', tenantName: 'Acme', changedAt: at, ip: null })],
    ['password reset', passwordResetEmail({ firstName: hostile, username: hostile, url: hostileUrl, expiresAt: at })],
    ['single sign-on welcome', ssoWelcomeEmail({ firstName: hostile, username: hostile, tenantName: hostile, loginUrl: hostileUrl })],
    [
      'access key created',
      accessKeyCreatedEmail({ firstName: hostile, username: hostile, tenantName: hostile, accessKeyId: 'LAKX3J7Q2M5R4T6W8Y2Z3B', description: hostile, createdAt: at, expiresAt: at, ip: '192.0.2.1' }),
    ],
    [
      'access key created, without description, expiry or address',
      accessKeyCreatedEmail({ firstName: 'Anne', username: 'anne', tenantName: 'Acme', accessKeyId: 'LAKX3J7Q2M5R4T6W8Y2Z3B', description: null, createdAt: at, expiresAt: null, ip: null }),
    ],
  ];

  it.each(everyEmail)('carry the same sentences, in the same order: %s', (_variant, email) => {
    const html = htmlLines(email.html);
    const text = textLines(email.text);
    expect(text.length).toBeGreaterThan(4);
    // The one line only the HTML has says how to do without its button; the text has no button.
    const withoutFallback = html.filter((line) => line !== buttonFallback);
    expect(html.length - withoutFallback.length).toBe(email.text.includes('https://') ? 1 : 0);
    expect(withoutFallback).toEqual(text);
    expect(email.html).toContain(`<title>${email.subject.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;').replaceAll("'", '&#39;')}</title>`);
  });
});
