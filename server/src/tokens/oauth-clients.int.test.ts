import { createRemoteJWKSet, jwtVerify } from 'jose';
import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addAccessKey, signedInUser, type CreatedKey, type SignedInUser } from '../testing/journeys.ts';
import { createTestApp, type TestApp } from '../testing/test-app.ts';
import { freePort } from '../testing/free-port.ts';

/**
 * Real, independent clients against a listening server: openid-client 6 (a certified OAuth/OIDC client)
 * discovers the authorization server and runs the client credentials grant; jose verifies the token
 * against the published JWKS exactly as an integrator's service would.
 */
let t: TestApp;
let baseUrl: string;
let user: SignedInUser;
let key: CreatedKey;

beforeAll(async () => {
  const port = await freePort();
  baseUrl = `http://127.0.0.1:${port}`;
  t = await createTestApp({ LANYARD_PUBLIC_URL: baseUrl });
  await t.app.listen({ host: '127.0.0.1', port });
  user = await signedInUser(t, { tenantName: 'Interop Tenant', username: 'integrator' });
  key = await addAccessKey(t, user, { description: 'openid-client' });
});
afterAll(async () => t?.close());

describe('standard OAuth clients', () => {
  it('openid-client discovers Lanyard and gets a token with client_secret_basic and client_secret_post; jose verifies it with the JWKS', async () => {
    for (const authentication of [client.ClientSecretBasic(key.accessKeySecret), client.ClientSecretPost(key.accessKeySecret)]) {
      const config = await client.discovery(new URL(baseUrl), key.accessKeyId, undefined, authentication, {
        algorithm: 'oauth2',
        execute: [client.allowInsecureRequests],
      });
      expect(config.serverMetadata().token_endpoint).toBe(`${baseUrl}/oauth/token`);
      const tokens = await client.clientCredentialsGrant(config);
      expect(tokens.token_type.toLowerCase()).toBe('bearer');
      expect(tokens.expires_in).toBe(900);

      const jwks = createRemoteJWKSet(new URL(`${baseUrl}/.well-known/jwks.json`));
      const { payload, protectedHeader } = await jwtVerify(tokens.access_token, jwks, {
        issuer: baseUrl,
        audience: `${baseUrl}/api`,
        algorithms: ['ES256'],
        typ: 'at+jwt',
        // The test app runs on a test clock.
        currentDate: t.clock.now(),
      });
      expect(protectedHeader.alg).toBe('ES256');
      expect(payload).toMatchObject({ sub: user.userId, tid: user.tenant.id, akid: key.accessKeyId });
      expect(String(payload.scope).split(' ')).toContain('accessKeys.manage');

      const me = await fetch(`${baseUrl}/api/v1/me`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
      expect(me.status).toBe(200);
    }
  });

  it('openid-client sees invalid_client for a wrong secret', async () => {
    const config = await client.discovery(new URL(baseUrl), key.accessKeyId, undefined, client.ClientSecretBasic('wrong'), {
      algorithm: 'oauth2',
      execute: [client.allowInsecureRequests],
    });
    // RFC 6749 §5.2: a client that used Basic gets 401 with a Basic challenge; openid-client reports the challenge.
    await expect(client.clientCredentialsGrant(config)).rejects.toMatchObject({ status: 401, code: 'OAUTH_WWW_AUTHENTICATE_CHALLENGE', cause: [{ scheme: 'basic' }] });
  });
});
