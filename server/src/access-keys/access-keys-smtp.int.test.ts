import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addAccessKey, signedInUser, type SignedInUser } from '../testing/journeys.ts';
import { createMailTestApp, type MailTestApp } from '../testing/mail-test-app.ts';
import type { TestApp } from '../testing/test-app.ts';

/** SPEC §3.10: the "access key created" notice, through a real SMTP server, once per key and never with the secret. */
let mail: MailTestApp;
let t: TestApp;
let owner: SignedInUser;
const ownerAddress = 'key.owner@example.test';

beforeAll(async () => {
  mail = await createMailTestApp();
  t = mail.t;
  owner = await signedInUser(t, { tenantName: 'Key Mail Tenant', username: 'key.owner', role: 'Supervisor' });
  // The invitation email of the setup goes out first, so each test counts only its own.
  await mail.deliverAll();
});
afterAll(async () => mail.close());

/** What arrived since `since`, for anyone. */
const receivedSince = (since: number) => mail.receivedSince(since);

describe('access key created email over SMTP', () => {
  it('sends the owner exactly one email naming the Access Key ID, the tenant and the address, never the secret', async () => {
    const before = mail.smtp.messages.length;
    const key = await addAccessKey(t, owner, { description: 'Reporting <export>' });
    const received = await receivedSince(before);
    expect(received).toHaveLength(1);
    const [email] = received;
    expect(email?.envelopeTo).toEqual([ownerAddress]);
    expect(email?.subject).toBe('A new access key was added to your Lanyard account');
    expect(email?.text).toContain(`Access Key ID: ${key.accessKeyId}`);
    expect(email?.html).toContain(key.accessKeyId);
    expect(email?.text).toContain('Key Mail Tenant');
    expect(email?.text).toContain('Description: Reporting <export>');
    expect(email?.html).toContain('Reporting &lt;export&gt;');
    expect(email?.text).toContain('from the address 127.0.0.1');
    expect(email?.text).toContain('If you did not add it');
    expect(key.accessKeySecret.length).toBeGreaterThan(20);
    expect(email?.raw.toString('utf8')).not.toContain(key.accessKeySecret);
    expect(email?.text).not.toContain(key.accessKeySecret);
    expect(email?.html).not.toContain(key.accessKeySecret);
  });

  it('sends nothing when the key is refused, because the email is committed with the key or not at all', async () => {
    await t.deps.db.updateTable('tenants').set({ settings: JSON.stringify({ accessKeys: { maxPerUser: 1 } }) }).where('id', '=', owner.tenant.id).execute();
    const before = mail.smtp.messages.length;
    const refused = await t.app.inject({ method: 'POST', url: '/api/v1/me/access-keys', headers: owner.headers, payload: {} });
    expect(refused.json().error.code).toBe('ACCESS_KEY_LIMIT_REACHED');
    expect(await receivedSince(before)).toEqual([]);
    const outbox = await t.deps.db.selectFrom('outbox_messages').select('template').where('template', '=', 'access-key-created').execute();
    expect(outbox).toHaveLength(1);
  });
});
