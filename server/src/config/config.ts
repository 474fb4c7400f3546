import { isIP } from 'node:net';
import path from 'node:path';
import { z } from 'zod';

/**
 * Lanyard's configuration: every `LANYARD_*` variable, parsed once at start. Every problem is listed at
 * once, so an operator fixes them in one go. Nothing else in the server reads the environment.
 */
const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const booleanFlag = z.enum(['true', 'false', '1', '0']).transform((value) => value === 'true' || value === '1');

/**
 * One mailbox: `name@domain`, `Display Name <name@domain>` or `"Name, with punctuation" <name@domain>`. No
 * line breaks (no header injection) and no second address.
 */
const mailboxPattern = /^(?:(?:[^<>@,;:"\r\n]*|"[^"\r\n]*"\s*)<[^<>@\s,;]+@[^<>@\s,;]+>|[^<>@\s,;"]+@[^<>@\s,;"]+)$/;

const envSchema = z
  .object({
    LANYARD_HOST: z.string().min(1).default('0.0.0.0'),
    LANYARD_PORT: z.coerce.number().int().min(0).max(65535).default(8080),
    LANYARD_DATA_DIR: z.string().min(1).default('./data'),
    LANYARD_PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
    LANYARD_DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
    LANYARD_DATABASE_PREPARED_STATEMENTS: booleanFlag.default(true),
    LANYARD_REDIS_URL: z.url({ protocol: /^rediss?$/ }).optional(),
    LANYARD_SMTP_URL: z.url({ protocol: /^smtps?$/ }).optional(),
    LANYARD_MAIL_FROM: z
      .string()
      .max(320)
      .regex(mailboxPattern, 'an address, optionally with a name: Lanyard <no-reply@example.com>')
      .optional(),
    LANYARD_MASTER_KEY: z
      .string()
      .refine((value) => Buffer.from(value, 'base64').length === 32, '32 bytes, base64-encoded (openssl rand -base64 32)')
      .optional(),
    LANYARD_REGION: z.string().regex(/^[a-z][a-z0-9-]{0,31}$/, 'lowercase letters, digits and -').default('local'),
    LANYARD_PEER_REGIONS: z
      .string()
      .refine((value) => parsePeerRegions(value) !== undefined, 'region=URL pairs separated by commas: eu1=https://eu.example.com,na1=https://na.example.com')
      .optional(),
    LANYARD_LOG_LEVEL: z.enum(logLevels).default('info'),
    LANYARD_BOOTSTRAP_ADMIN: z.string().min(1).max(254).default('admin'),
    LANYARD_BOOTSTRAP_ADMIN_EMAIL: z.email().default('admin@localhost'),
    LANYARD_TRUST_PROXY: z.string().optional(),
    LANYARD_SECURE_COOKIES: booleanFlag.optional(),
    LANYARD_ACCESS_KEY_ID: z.string().max(64).optional(),
    LANYARD_ACCESS_KEY_SECRET: z.string().max(256).optional(),
    LANYARD_AUTH_RATE_LIMIT: z.coerce.number().int().min(1).max(100_000).default(30),
    LANYARD_DISCOVERY_RATE_LIMIT: z.coerce.number().int().min(1).max(100_000).default(60),
    LANYARD_PASSWORD_CHECK_RATE_LIMIT: z.coerce.number().int().min(1).max(100_000).default(120),
    LANYARD_IMPORT_ROWS_PER_SECOND: z.coerce.number().int().min(1).max(10_000).default(50),
    LANYARD_DOWNLOADS_DIR: z.string().min(1).optional(),
    LANYARD_DOWNLOADS_MAX_BYTES: z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER).default(2 * 1024 * 1024 * 1024),
    LANYARD_SSO_ALLOW_PRIVATE_NETWORKS: booleanFlag.optional(),
    LANYARD_METRICS_PORT: z.coerce.number().int().min(1).max(65535).optional(),
    LANYARD_METRICS_TOKEN: z
      .string()
      .regex(/^[A-Za-z0-9._~+/=-]{32,256}$/, '32 to 256 characters of A–Z, a–z, 0–9 and . _ ~ + / = - (openssl rand -hex 32)')
      .optional(),
  });

/** Rules across variables, checked on the raw values so they are reported alongside every other problem. */
function crossVariableProblems(env: Record<string, string | undefined>): string[] {
  const problems: string[] = [];
  if (env.LANYARD_DATABASE_URL !== undefined && env.LANYARD_MASTER_KEY === undefined) {
    problems.push('LANYARD_MASTER_KEY: required with LANYARD_DATABASE_URL, so every instance shares it (openssl rand -base64 32)');
  }
  if (env.LANYARD_METRICS_PORT !== undefined && Number(env.LANYARD_METRICS_PORT) === Number(env.LANYARD_PORT ?? 8080)) {
    problems.push('LANYARD_METRICS_PORT: must differ from LANYARD_PORT (metrics get a listener of their own)');
  }
  return problems;
}

export interface Config {
  host: string;
  port: number;
  dataDir: string;
  publicUrl: URL;
  databaseUrl: string | undefined;
  /** Whether PostgreSQL connections use named statements (off behind a pooler that cannot keep them). */
  preparedStatements: boolean;
  redisUrl: string | undefined;
  smtpUrl: string | undefined;
  /** From header of every email; by default `Lanyard <no-reply@<public URL host>>`. */
  mailFrom: string;
  /** 32 bytes, or undefined in embedded mode where a key file in the data directory is used. */
  masterKey: Buffer | undefined;
  region: string;
  /** The public URL of each other region's deployment (LANYARD_PEER_REGIONS; this region's own entry, if listed, is left out). */
  peerRegions: ReadonlyMap<string, URL>;
  logLevel: (typeof logLevels)[number];
  bootstrapAdmin: { username: string; email: string };
  /** Addresses of reverse proxies whose X-Forwarded-For is believed; empty means none. */
  trustProxy: string[];
  secureCookies: boolean;
  /** Credentials `lanyard token` uses when --key-id / --secret are not given. */
  accessKey: { id: string | undefined; secret: string | undefined };
  /** Requests per minute per client network to each sign-in, forgot and reset endpoint. */
  authRateLimitPerMinute: number;
  /** Questions a minute from one client network that make this deployment ask its peer regions (LANYARD_DISCOVERY_RATE_LIMIT). */
  discoveryRateLimitPerMinute: number;
  /** Requests per minute per client network to the console's live common-password check. */
  passwordCheckRateLimitPerMinute: number;
  /** Rows a CSV user import invites per second at most, on each instance (each row queues one email). */
  importRowsPerSecond: number;
  /** Where the files of Support and Downloads are kept: `<data dir>/downloads` unless set; shared storage when several instances serve. */
  downloadsDir: string;
  /** The largest file an administrator may upload to Support and Downloads. */
  downloadsMaxBytes: number;
  /**
   * Whether single sign-on may reach identity providers on private and loopback addresses
   * (LANYARD_SSO_ALLOW_PRIVATE_NETWORKS; by default only in the embedded mode). Link-local and cloud-metadata
   * addresses are never reached, whatever this says.
   */
  ssoAllowPrivateNetworks: boolean;
  /** When set, /metrics is served on this port only (a listener of its own, on LANYARD_HOST), not beside the API. */
  metricsPort: number | undefined;
  /** When set, /metrics answers only `Authorization: Bearer <this token>` (LANYARD_METRICS_TOKEN); open to anyone otherwise. */
  metricsToken: string | undefined;
  version: string;
}

/** `Lanyard <no-reply@host of the public URL>`; an IP address is no mail domain, so `localhost` then. */
function defaultMailFrom(publicUrl: URL): string {
  const host = publicUrl.hostname.startsWith('[') || isIP(publicUrl.hostname) !== 0 ? 'localhost' : publicUrl.hostname;
  return `Lanyard <no-reply@${host}>`;
}

const regionPattern = /^[a-z][a-z0-9-]{0,31}$/;

/** `eu1=https://eu.example.com,na1=https://na.example.com` → region → URL; undefined when an entry is not a region name and an http(s) URL, or a region repeats. */
export function parsePeerRegions(value: string): Map<string, URL> | undefined {
  const peers = new Map<string, URL>();
  for (const entry of value.split(',').map((part) => part.trim()).filter(Boolean)) {
    const separator = entry.indexOf('=');
    if (separator < 0) return undefined;
    const name = entry.slice(0, separator).trim();
    const url = URL.parse(entry.slice(separator + 1).trim());
    if (!regionPattern.test(name) || url === null || (url.protocol !== 'http:' && url.protocol !== 'https:') || peers.has(name)) return undefined;
    peers.set(name, url);
  }
  return peers;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export function loadConfig(env: Record<string, string | undefined> = process.env, version = '0.1.0'): Readonly<Config> {
  const relevant = Object.fromEntries(
    Object.entries(env).filter(([key, value]) => key.startsWith('LANYARD_') && value !== undefined && value !== ''),
  );
  const parsed = envSchema.safeParse(relevant);
  const problems = [
    ...(parsed.success ? [] : parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`)),
    ...crossVariableProblems(relevant),
  ];
  if (!parsed.success || problems.length > 0) throw new ConfigError(problems);
  const values = parsed.data;
  const publicUrl = new URL(values.LANYARD_PUBLIC_URL ?? `http://localhost:${values.LANYARD_PORT}`);
  return Object.freeze({
    host: values.LANYARD_HOST,
    port: values.LANYARD_PORT,
    dataDir: path.resolve(values.LANYARD_DATA_DIR),
    publicUrl,
    databaseUrl: values.LANYARD_DATABASE_URL,
    preparedStatements: values.LANYARD_DATABASE_PREPARED_STATEMENTS,
    redisUrl: values.LANYARD_REDIS_URL,
    smtpUrl: values.LANYARD_SMTP_URL,
    mailFrom: values.LANYARD_MAIL_FROM ?? defaultMailFrom(publicUrl),
    masterKey: values.LANYARD_MASTER_KEY === undefined ? undefined : Buffer.from(values.LANYARD_MASTER_KEY, 'base64'),
    region: values.LANYARD_REGION,
    peerRegions: new Map([...(parsePeerRegions(values.LANYARD_PEER_REGIONS ?? '') ?? [])].filter(([name]) => name !== values.LANYARD_REGION)),
    logLevel: values.LANYARD_LOG_LEVEL,
    bootstrapAdmin: { username: values.LANYARD_BOOTSTRAP_ADMIN, email: values.LANYARD_BOOTSTRAP_ADMIN_EMAIL },
    trustProxy: (values.LANYARD_TRUST_PROXY ?? '').split(',').map((entry) => entry.trim()).filter(Boolean),
    secureCookies: values.LANYARD_SECURE_COOKIES ?? publicUrl.protocol === 'https:',
    accessKey: { id: values.LANYARD_ACCESS_KEY_ID, secret: values.LANYARD_ACCESS_KEY_SECRET },
    authRateLimitPerMinute: values.LANYARD_AUTH_RATE_LIMIT,
    discoveryRateLimitPerMinute: values.LANYARD_DISCOVERY_RATE_LIMIT,
    passwordCheckRateLimitPerMinute: values.LANYARD_PASSWORD_CHECK_RATE_LIMIT,
    importRowsPerSecond: values.LANYARD_IMPORT_ROWS_PER_SECOND,
    downloadsDir: path.resolve(values.LANYARD_DOWNLOADS_DIR ?? path.join(values.LANYARD_DATA_DIR, 'downloads')),
    downloadsMaxBytes: values.LANYARD_DOWNLOADS_MAX_BYTES,
    // The embedded mode runs on one machine, often beside a provider under test; a production deployment
    // (PostgreSQL) reaches its providers over the internet unless the operator says otherwise.
    ssoAllowPrivateNetworks: values.LANYARD_SSO_ALLOW_PRIVATE_NETWORKS ?? values.LANYARD_DATABASE_URL === undefined,
    metricsPort: values.LANYARD_METRICS_PORT,
    metricsToken: values.LANYARD_METRICS_TOKEN,
    version,
  });
}

/** Documented defaults, used by the test that keeps docs/configuration.md complete. */
export const configVariables = Object.keys(envSchema.shape);
