import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../testing/free-port.ts';
import { signedInUser, type SignedInUser } from '../testing/journeys.ts';
import { createTestApp, type TestApp } from '../testing/test-app.ts';

/** Two deployments in one test (regions na1 and eu1), each with its own database, each the other's peer. */
let na: TestApp;
let eu: TestApp;
let lonely: TestApp;
let naAdmin: SignedInUser;
let euAdmin: SignedInUser;
let hanging: Server;
const sockets = new Set<Socket>();

beforeAll(async () => {
  const [naPort, euPort, hangingPort] = await Promise.all([freePort(), freePort(), freePort()]);
  const naUrl = `http://127.0.0.1:${naPort}`;
  const euUrl = `http://127.0.0.1:${euPort}`;
  const peers = `na1=${naUrl},eu1=${euUrl}`;
  na = await createTestApp({ LANYARD_REGION: 'na1', LANYARD_PUBLIC_URL: naUrl, LANYARD_PEER_REGIONS: peers });
  eu = await createTestApp({ LANYARD_REGION: 'eu1', LANYARD_PUBLIC_URL: euUrl, LANYARD_PEER_REGIONS: peers });
  await na.app.listen({ host: '127.0.0.1', port: naPort });
  await eu.app.listen({ host: '127.0.0.1', port: euPort });
  // A peer that accepts connections and never answers, and one where nothing listens at all.
  hanging = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => hanging.listen(hangingPort, '127.0.0.1', resolve));
  const deadPort = await freePort();
  lonely = await createTestApp({ LANYARD_REGION: 'ap1', LANYARD_PEER_REGIONS: `na1=${naUrl},eu2=http://127.0.0.1:${hangingPort},sa1=http://127.0.0.1:${deadPort}` });
  naAdmin = await signedInUser(na, { tenantName: 'Acme North America', username: 'anne.na' });
  euAdmin = await signedInUser(eu, { tenantName: 'Acme Europe', username: 'anne.eu' });
});
afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise((resolve) => hanging.close(resolve));
  await Promise.all([na.close(), eu.close(), lonely.close()]);
});

const discover = (t: TestApp, tenantId: string) => t.app.inject({ method: 'GET', url: `/.well-known/lanyard-configuration?tenantId=${tenantId}` });

describe('GET /.well-known/lanyard-configuration', () => {
  it('answers both tenants from either side, with the region and URLs of the deployment that serves each', async () => {
    const naConfiguration = {
      tenantId: naAdmin.tenant.id,
      region: 'na1',
      consoleUrl: `${na.config.publicUrl.origin}/`,
      apiUrl: `${na.config.publicUrl.origin}/api/v1`,
      tokenEndpoint: `${na.config.publicUrl.origin}/oauth/token`,
      jwksUri: `${na.config.publicUrl.origin}/.well-known/jwks.json`,
    };
    const euConfiguration = {
      tenantId: euAdmin.tenant.id,
      region: 'eu1',
      consoleUrl: `${eu.config.publicUrl.origin}/`,
      apiUrl: `${eu.config.publicUrl.origin}/api/v1`,
      tokenEndpoint: `${eu.config.publicUrl.origin}/oauth/token`,
      jwksUri: `${eu.config.publicUrl.origin}/.well-known/jwks.json`,
    };
    for (const t of [na, eu]) {
      const forNa = await discover(t, naAdmin.tenant.id);
      expect(forNa.statusCode, forNa.body).toBe(200);
      expect(forNa.json()).toEqual(naConfiguration);
      expect((await discover(t, euAdmin.tenant.id)).json()).toEqual(euConfiguration);
    }
    // Over real HTTP too, as a client would ask.
    expect(await (await fetch(`${eu.config.publicUrl.origin}/.well-known/lanyard-configuration?tenantId=${naAdmin.tenant.id}`)).json()).toEqual(naConfiguration);
  });

  it('answers 404 TENANT_NOT_FOUND for a tenant no region holds, and refuses bad input', async () => {
    const unknown = await discover(na, '01890a5d-ac96-774b-bcce-b302099a8057');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe('TENANT_NOT_FOUND');
    // scope=local never asks the peers.
    const local = await na.app.inject({ method: 'GET', url: `/.well-known/lanyard-configuration?tenantId=${euAdmin.tenant.id}&scope=local` });
    expect(local.json().error.code).toBe('TENANT_NOT_FOUND');
    for (const query of ['', '?tenantId=nope', `?tenantId=${euAdmin.tenant.id}&scope=all`, `?tenantId=${euAdmin.tenant.id}&other=1`]) {
      const response = await na.app.inject({ method: 'GET', url: `/.well-known/lanyard-configuration${query}` });
      expect(response.statusCode, query).toBe(400);
      expect(response.json().error.code).toBe('VALIDATION_FAILED');
    }
  });

  it('caches what the peers answered', async () => {
    const tenant = await eu.deps.tenants.createTenant('Acme Cached');
    expect((await discover(na, tenant.id)).json().region).toBe('eu1');
    // Gone from eu1 (its own answer says so at once), na1 still answers from what it cached.
    await eu.deps.db.deleteFrom('presence_reason_lists').where('tenant_id', '=', tenant.id).execute();
    await eu.deps.db.deleteFrom('roles').where('tenant_id', '=', tenant.id).execute();
    await eu.deps.db.deleteFrom('tenants').where('id', '=', tenant.id).execute();
    expect((await discover(eu, tenant.id)).statusCode).toBe(404);
    expect((await discover(na, tenant.id)).json().region).toBe('eu1');
  });

  it('a dead or hanging peer gives a coded 503 within 2 s; a tenant another peer holds is still found', async () => {
    const started = Date.now();
    const response = await discover(lonely, euAdmin.tenant.id);
    const elapsed = Date.now() - started;
    expect(response.statusCode).toBe(503);
    expect(response.json().error.code).toBe('REGION_UNAVAILABLE');
    expect(elapsed).toBeLessThan(2000);
    const found = await discover(lonely, naAdmin.tenant.id);
    expect(found.statusCode).toBe(200);
    expect(found.json().region).toBe('na1');
  });
});

describe('questions the peers must answer', () => {
  it('are limited per client network; answers from the cache or of its own tenants never count', async () => {
    const limited = await createTestApp({ LANYARD_REGION: 'ap2', LANYARD_PEER_REGIONS: `na1=${na.config.publicUrl.origin}`, LANYARD_DISCOVERY_RATE_LIMIT: '3' });
    try {
      const own = await limited.deps.tenants.createTenant('Acme Asia');
      const ask = (tenantId: string, remoteAddress = '198.51.100.20') => limited.app.inject({ method: 'GET', url: `/.well-known/lanyard-configuration?tenantId=${tenantId}`, remoteAddress });
      const madeUp = (index: number) => `01890a5d-ac96-774b-bcce-${String(index).padStart(12, '0')}`;
      for (let index = 1; index <= 3; index += 1) expect((await ask(madeUp(index))).statusCode).toBe(404);
      const refused = await ask(madeUp(4));
      expect(refused.statusCode).toBe(429);
      expect(refused.json().error.code).toBe('RATE_LIMITED');
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
      // Cached answers, its own tenants and tenants the peers named before still answer.
      expect((await ask(madeUp(1))).statusCode).toBe(404);
      expect((await ask(own.id)).json().region).toBe('ap2');
      // An API request naming a made-up tenant would make it ask the peers too.
      const named = await limited.app.inject({
        method: 'POST',
        url: '/api/v1/accessibility-feedback',
        headers: { origin: limited.config.publicUrl.origin },
        payload: { message: 'The contrast of the links is low.', tenantId: madeUp(5) },
        remoteAddress: '198.51.100.20',
      });
      expect(named.statusCode, named.body).toBe(429);
      expect(named.json().error.code).toBe('RATE_LIMITED');
      // Another network is not affected, and finds a tenant of the peer.
      expect((await ask(naAdmin.tenant.id, '203.0.113.40')).json().region).toBe('na1');
    } finally {
      await limited.close();
    }
  });
});

describe('a request naming a tenant of another region', () => {
  it('gets 421 TENANT_IN_OTHER_REGION with the region and its console URL, and changes nothing', async () => {
    for (const [method, url] of [
      ['POST', '/api/v1/me/tenant'],
      ['PUT', '/api/v1/me/default-tenant'],
    ] as const) {
      const response = await na.app.inject({ method, url, headers: naAdmin.headers, payload: { tenantId: euAdmin.tenant.id } });
      expect(response.statusCode, url).toBe(421);
      expect(response.json().error).toMatchObject({ code: 'TENANT_IN_OTHER_REGION', details: { region: 'eu1', consoleUrl: `${eu.config.publicUrl.origin}/` } });
    }
    // Named in a query, signed in or not.
    const anonymous = await na.app.inject({ method: 'GET', url: `/api/v1/me?tenantId=${euAdmin.tenant.id}` });
    expect(anonymous.statusCode).toBe(421);
    const me = await na.app.inject({ method: 'GET', url: '/api/v1/me', headers: naAdmin.headers });
    expect(me.json().tenant).toMatchObject({ id: naAdmin.tenant.id, region: 'na1' });
  });
});
