import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ host: '0.0.0.0', port: 8080, region: 'local', logLevel: 'info', databaseUrl: undefined, secureCookies: false });
    expect(config.publicUrl.href).toBe('http://localhost:8080/');
    expect(config.dataDir.endsWith('/data')).toBe(true);
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('derives the public URL from the port, and secure cookies from an https public URL', () => {
    expect(loadConfig({ LANYARD_PORT: '9000' }).publicUrl.href).toBe('http://localhost:9000/');
    expect(loadConfig({ LANYARD_PUBLIC_URL: 'https://id.example.com' }).secureCookies).toBe(true);
  });

  it('lists every problem at once', () => {
    let error: unknown;
    try {
      loadConfig({
        LANYARD_PORT: '70000',
        LANYARD_PUBLIC_URL: 'ftp://x',
        LANYARD_LOG_LEVEL: 'loud',
        LANYARD_REGION: 'EU 1',
        LANYARD_DATABASE_URL: 'postgres://db.internal/lanyard',
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    for (const variable of ['LANYARD_PORT', 'LANYARD_PUBLIC_URL', 'LANYARD_LOG_LEVEL', 'LANYARD_REGION', 'LANYARD_MASTER_KEY']) {
      expect(problems).toContain(variable);
    }
  });

  it('takes a metrics token of 32 to 256 token characters, and refuses a short one or one with spaces', () => {
    const token = 'a'.repeat(64);
    expect(loadConfig({}).metricsToken).toBeUndefined();
    expect(loadConfig({ LANYARD_METRICS_TOKEN: token }).metricsToken).toBe(token);
    for (const refused of ['short', 'a'.repeat(31), `${'a'.repeat(40)} b`, 'a'.repeat(257)]) {
      expect(() => loadConfig({ LANYARD_METRICS_TOKEN: refused })).toThrow(ConfigError);
    }
  });

  it('takes a metrics port other than the API port', () => {
    expect(loadConfig({}).metricsPort).toBeUndefined();
    expect(loadConfig({ LANYARD_METRICS_PORT: '9464' }).metricsPort).toBe(9464);
    expect(() => loadConfig({ LANYARD_METRICS_PORT: '8080' })).toThrow(ConfigError);
    expect(() => loadConfig({ LANYARD_PORT: '9000', LANYARD_METRICS_PORT: '9000' })).toThrow(ConfigError);
    expect(() => loadConfig({ LANYARD_METRICS_PORT: '70000' })).toThrow(ConfigError);
  });

  it('accepts a 32-byte master key and refuses any other length', () => {
    const key = Buffer.alloc(32, 1).toString('base64');
    expect(loadConfig({ LANYARD_MASTER_KEY: key }).masterKey?.length).toBe(32);
    expect(() => loadConfig({ LANYARD_MASTER_KEY: Buffer.alloc(16).toString('base64') })).toThrow(ConfigError);
  });

  it('derives the sender from the public URL host, and takes LANYARD_MAIL_FROM as given when it is one address', () => {
    expect(loadConfig({}).mailFrom).toBe('Lanyard <no-reply@localhost>');
    expect(loadConfig({ LANYARD_PUBLIC_URL: 'https://id.example.com:8443/console' }).mailFrom).toBe('Lanyard <no-reply@id.example.com>');
    expect(loadConfig({ LANYARD_PUBLIC_URL: 'http://10.0.0.5:8080' }).mailFrom).toBe('Lanyard <no-reply@localhost>');
    expect(loadConfig({ LANYARD_MAIL_FROM: 'Acme Identity <identity@acme.example>' }).mailFrom).toBe('Acme Identity <identity@acme.example>');
    expect(loadConfig({ LANYARD_MAIL_FROM: 'identity@acme.example' }).mailFrom).toBe('identity@acme.example');
    expect(loadConfig({ LANYARD_MAIL_FROM: '"Acme, Inc." <identity@acme.example>' }).mailFrom).toBe('"Acme, Inc." <identity@acme.example>');
    for (const invalid of ['identity', 'a@b.example, c@d.example', 'a@b.example,c@d.example', 'Acme, Inc. <identity@acme.example>', 'Acme <identity@acme.example>\r\nBcc: x@evil.example']) {
      expect(() => loadConfig({ LANYARD_MAIL_FROM: invalid }), invalid).toThrow(ConfigError);
    }
  });

  it('lets single sign-on reach private networks by default only in the embedded mode, and takes an explicit setting', () => {
    const withDatabase = { LANYARD_DATABASE_URL: 'postgres://db.internal/lanyard', LANYARD_MASTER_KEY: Buffer.alloc(32, 1).toString('base64') };
    expect(loadConfig({}).ssoAllowPrivateNetworks).toBe(true);
    expect(loadConfig(withDatabase).ssoAllowPrivateNetworks).toBe(false);
    expect(loadConfig({ ...withDatabase, LANYARD_SSO_ALLOW_PRIVATE_NETWORKS: 'true' }).ssoAllowPrivateNetworks).toBe(true);
    expect(loadConfig({ LANYARD_SSO_ALLOW_PRIVATE_NETWORKS: 'false' }).ssoAllowPrivateNetworks).toBe(false);
    expect(loadConfig({ LANYARD_SSO_ALLOW_PRIVATE_NETWORKS: '0' }).ssoAllowPrivateNetworks).toBe(false);
    expect(() => loadConfig({ LANYARD_SSO_ALLOW_PRIVATE_NETWORKS: 'yes' })).toThrow(/LANYARD_SSO_ALLOW_PRIVATE_NETWORKS/);
  });

  it('ignores empty variables and anything not prefixed LANYARD_', () => {
    expect(loadConfig({ LANYARD_PORT: '', PORT: '1' }).port).toBe(8080);
  });
});
