import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import Provider, { type Configuration } from 'oidc-provider';
import { freePort } from './free-port.ts';

/**
 * A real OpenID Provider (`oidc-provider`, a certified OP) on 127.0.0.1 and a random port, for the SSO
 * integration tests and the console journey. Its interaction step signs in whoever the test names with
 * `signInAs` (no form), and grants the scopes asked for, so a flow can be driven by plain HTTP or a browser.
 */
export interface TestOidcProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /**
   * The account the next interaction signs in, with the claims its ID token carries; `authentication` says how the provider
   * authenticated them (the ID token's `amr` and `acr`), e.g. `{ amr: ['pwd', 'mfa'] }`.
   */
  signInAs(subject: string, claims: Record<string, unknown>, authentication?: { amr?: string[]; acr?: string }): void;
  /**
   * Follows an authorization URL through the provider (as a browser would: its cookies kept), and answers
   * the URL the provider sends the browser back to (the relying party's callback, with code and state).
   */
  authorize(authorizationUrl: string): Promise<URL>;
  close(): Promise<void>;
}

export async function startTestOidcProvider(options: { redirectUris: string[]; clientId?: string; clientSecret?: string; idTokenTtlSeconds?: number; clients?: { clientId: string; clientSecret: string }[] }): Promise<TestOidcProvider> {
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  const clientId = options.clientId ?? 'lanyard';
  const clientSecret = options.clientSecret ?? 'test-client-secret-0123456789';
  let current: { subject: string; claims: Record<string, unknown>; authentication: { amr?: string[]; acr?: string } } = { subject: 'nobody', claims: {}, authentication: {} };
  const accounts = new Map<string, Record<string, unknown>>();

  const clients = [{ clientId, clientSecret }, ...(options.clients ?? [])].map((client) => ({
    client_id: client.clientId,
    client_secret: client.clientSecret,
    redirect_uris: options.redirectUris,
    grant_types: ['authorization_code'],
    response_types: ['code' as const],
    token_endpoint_auth_method: 'client_secret_post' as const,
  }));
  const configuration: Configuration = {
    clients,
    // acr and amr ride with openid, so the ID token carries how the provider authenticated the person (signInAs).
    claims: { openid: ['sub', 'acr', 'amr'], email: ['email', 'email_verified'], profile: ['name', 'given_name', 'family_name'] },
    findAccount: (_ctx, sub) => ({
      accountId: sub,
      claims: () => ({ sub, ...(accounts.get(sub) ?? {}) }),
    }),
    pkce: { required: () => true },
    // The context classes a test may assert (the provider keeps an acr only if it supports it).
    acrValues: ['urn:lanyard:test:loa:1', 'urn:lanyard:test:loa:mfa'],
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    ttl: { IdToken: options.idTokenTtlSeconds ?? 3600, AccessToken: 3600, AuthorizationCode: 60, Interaction: 600, Session: 600, Grant: 600 },
    // The ID token carries the claims itself (the relying party reads email from the same payload).
    conformIdTokenClaims: false,
    cookies: { keys: ['test-cookie-key-0123456789abcdef'] },
  };
  const provider = new Provider(issuer, configuration);
  const callback = provider.callback();

  const interact = async (req: IncomingMessage, res: ServerResponse) => {
    const details = await provider.interactionDetails(req, res);
    const { subject, authentication } = current;
    const grant = new provider.Grant({ accountId: subject, clientId: String(details.params.client_id) });
    grant.addOIDCScope(String(details.params.scope));
    const grantId = await grant.save();
    await provider.interactionFinished(req, res, { login: { accountId: subject, ...authentication }, consent: { grantId } }, { mergeWithLastSubmission: false });
  };

  const server: Server = createServer((req, res) => {
    if (req.url?.startsWith('/interaction/') === true) {
      interact(req, res).catch((error: unknown) => {
        res.statusCode = 500;
        res.end(String(error));
      });
      return;
    }
    void callback(req, res);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));

  return {
    issuer,
    clientId,
    clientSecret,
    signInAs(subject, claims, authentication = {}) {
      current = { subject, claims, authentication };
      accounts.set(subject, claims);
    },
    async authorize(authorizationUrl) {
      const jar = new Map<string, string>();
      let url = new URL(authorizationUrl);
      for (let hop = 0; hop < 10; hop += 1) {
        if (url.origin !== issuer) return url;
        const response = await fetch(url, { redirect: 'manual', headers: { cookie: [...jar].map(([name, value]) => `${name}=${value}`).join('; ') } });
        for (const header of response.headers.getSetCookie()) {
          const [pair = ''] = header.split(';');
          const index = pair.indexOf('=');
          jar.set(pair.slice(0, index), pair.slice(index + 1));
        }
        const location = response.headers.get('location');
        if (location === null) throw new Error(`the provider answered ${response.status} without a redirect: ${(await response.text()).slice(0, 300)}`);
        url = new URL(location, url);
      }
      throw new Error('too many redirects at the provider');
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
