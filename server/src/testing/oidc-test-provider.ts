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
   * The account the next interaction signs in, with its claims (in the ID token, or only in userinfo when the provider conforms);
   * `authentication` says how the provider authenticated them (the ID token's `amr` and `acr`, e.g. `{ amr: ['pwd', 'mfa'] }`), and
   * `userinfoSubject` makes userinfo answer another `sub` than the ID token's.
   */
  signInAs(subject: string, claims: Record<string, unknown>, authentication?: { amr?: string[]; acr?: string; userinfoSubject?: string }): void;
  /**
   * Follows an authorization URL through the provider (as a browser would: its cookies kept), and answers
   * the URL the provider sends the browser back to (the relying party's callback, with code and state).
   */
  authorize(authorizationUrl: string): Promise<URL>;
  /** TCP connections the provider has accepted so far (from anyone: Lanyard and `authorize`). */
  connectionCount(): number;
  close(): Promise<void>;
}

export interface TestOidcProviderOptions {
  redirectUris: string[];
  clientId?: string;
  clientSecret?: string;
  idTokenTtlSeconds?: number;
  clients?: { clientId: string; clientSecret: string }[];
  /**
   * oidc-provider's own setting, and its default (true): the claims a scope asks for (email, profile) are in
   * userinfo only, the ID token carries the identity. False (this helper's default) puts them in the ID token.
   */
  conformIdTokenClaims?: boolean;
}

export async function startTestOidcProvider(options: TestOidcProviderOptions): Promise<TestOidcProvider> {
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  const clientId = options.clientId ?? 'lanyard';
  const clientSecret = options.clientSecret ?? 'test-client-secret-0123456789';
  let current: { subject: string; claims: Record<string, unknown>; authentication: { amr?: string[]; acr?: string } } = { subject: 'nobody', claims: {}, authentication: {} };
  const accounts = new Map<string, { claims: Record<string, unknown>; userinfoSubject: string | undefined }>();

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
    // `azp` is listed so that a test can make an ID token name another client as its authorized party; acr and amr ride with
    // openid, so the ID token carries how the provider authenticated the person (signInAs).
    claims: { openid: ['sub', 'azp', 'acr', 'amr'], email: ['email', 'email_verified'], profile: ['name', 'given_name', 'family_name'] },
    findAccount: (_ctx, sub) => ({
      accountId: sub,
      claims: (use) => {
        const account = accounts.get(sub);
        return { ...(account?.claims ?? {}), sub: use === 'userinfo' ? (account?.userinfoSubject ?? sub) : sub };
      },
    }),
    pkce: { required: () => true },
    // The context classes a test may assert (the provider keeps an acr only if it supports it).
    acrValues: ['urn:lanyard:test:loa:1', 'urn:lanyard:test:loa:mfa'],
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    ttl: { IdToken: options.idTokenTtlSeconds ?? 3600, AccessToken: 3600, AuthorizationCode: 60, Interaction: 600, Session: 600, Grant: 600 },
    conformIdTokenClaims: options.conformIdTokenClaims ?? false,
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
  let connections = 0;
  server.on('connection', () => {
    connections += 1;
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));

  return {
    issuer,
    clientId,
    clientSecret,
    signInAs(subject, claims, options = {}) {
      const { userinfoSubject, ...authentication } = options;
      current = { subject, claims, authentication };
      accounts.set(subject, { claims, userinfoSubject });
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
    connectionCount: () => connections,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
