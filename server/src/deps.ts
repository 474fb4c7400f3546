import path from 'node:path';
import { createAccessKeysService } from './access-keys/access-keys-service.ts';
import pino, { type Logger } from 'pino';
import type { Config } from './config/config.ts';
import { createAuditService } from './audit/audit-service.ts';
import { createInvitationsService } from './invitations/invitations-service.ts';
import { createDirectoryService } from './directory/directory-service.ts';
import { createMemoryRateLimiter, createRedisRateLimiter, type RateLimiter } from './rate-limits/rate-limiter.ts';
import { systemClock, type Clock } from './kernel/clock.ts';
import { loadOrCreateMasterKey } from './kernel/master-key.ts';
import { createEncryptor } from './kernel/encryption.ts';
import { createJwtSigner } from './kernel/jwt-signer.ts';
import { createSecretHasher, deriveKey } from './kernel/secrets.ts';
import { createDeliveryWorker, type DeliveryWorker } from './mail/delivery-worker.ts';
import { createFileTransport, type MailTransport } from './mail/mail-transport.ts';
import { createOutbox, type Outbox } from './mail/outbox.ts';
import { createOutboxEncryptor } from './mail/sealed-body.ts';
import { createSmtpTransport } from './mail/smtp-transport.ts';
import { createPasswordHasher, type HasherOptions, type PasswordHasher } from './passwords/password-hasher.ts';
import { createPresenceService, type PresenceService } from './presence/presence-service.ts';
import { createProfileService } from './profile/profile-service.ts';
import { createRegionsService, type RegionsService } from './regions/regions-service.ts';
import { createTenancyService, type TenancyService } from './tenancy/tenancy-service.ts';
import { createRolesService } from './roles/roles-service.ts';
import { createSessionsService } from './sessions/sessions-service.ts';
import { createLoginFlow, presenceGate, type LoginFlow } from './login/login-flow.ts';
import { createOidcMethod, type OidcMethod } from './login/oidc-method.ts';
import { createPasswordMethod, type PasswordMethod } from './login/password-method.ts';
import { createTotpMethod, type TotpMethod } from './login/totp-method.ts';
import { createMfaService, type MfaService } from './mfa/mfa-service.ts';
import { loadPasswordBlocklist } from './passwords/blocklist.ts';
import { createQueryCounter } from './storage/query-count.ts';
import { createSingleUseLinksService, type SingleUseLinksService } from './links/links-service.ts';
import { createPasswordsService } from './passwords/passwords-service.ts';
import { createLockoutService, type LockoutService } from './lockout/lockout-service.ts';
import { createRecoveryService, type RecoveryService } from './recovery/recovery-service.ts';
import { openDatabase, type Db, type StorageTarget } from './storage/db.ts';
import { createTeamsService } from './teams/teams-service.ts';
import { createTenantsService } from './tenants/tenants-service.ts';
import { createLocalNotifications, createPostgresNotifications, createRedisNotifications, type Notifications } from './storage/notifications.ts';
import { createSecurityPoliciesService, type SecurityPoliciesService } from './security-policies/security-policies-service.ts';
import { createSigningKeysService } from './tokens/signing-keys-service.ts';
import { createTokensService } from './tokens/tokens-service.ts';
import { audienceFor } from './tokens/tokens.ts';
import { createUsersService } from './users/users-service.ts';
import { createUserImportsService, type UserImportsService } from './user-imports/user-imports-service.ts';
import { logRedactPaths, logSerializers } from './http/logging.ts';
import { createAccountService, type AccountService } from './account/account-service.ts';
import { createAccessibilityFeedbackService, type AccessibilityFeedbackService } from './accessibility-feedback/accessibility-feedback-service.ts';
import { createDownloadsService, type DownloadsService } from './downloads/downloads-service.ts';
import { createDownloadFiles } from './downloads/downloads-files.ts';
import { createIdentityProvidersService, type IdentityProvidersService } from './sso/identity-providers-service.ts';
import { createOidcClient } from './sso/oidc-client.ts';
import { createSsoService, type SsoService } from './sso/sso-service.ts';

/**
 * The composition root: the one place where modules are wired together. Tests call createDeps with a
 * test clock, an in-memory or per-test database, and their own mail transport.
 */
export interface Deps {
  config: Readonly<Config>;
  db: Db;
  clock: Clock;
  logger: Logger;
  tenants: ReturnType<typeof createTenantsService>;
  roles: ReturnType<typeof createRolesService>;
  teams: ReturnType<typeof createTeamsService>;
  users: ReturnType<typeof createUsersService>;
  invitations: ReturnType<typeof createInvitationsService>;
  /** CSV bulk invitations; `start()` runs this instance's worker (the server starts it after migrating). */
  userImports: UserImportsService;
  directory: ReturnType<typeof createDirectoryService>;
  sessions: ReturnType<typeof createSessionsService>;
  /** Sign-in: the one flow every method ends in (login-flow.ts), and the methods beside it. */
  login: { flow: LoginFlow; password: PasswordMethod; totp: TotpMethod; oidc: OidcMethod };
  mfa: MfaService;
  links: SingleUseLinksService;
  passwords: ReturnType<typeof createPasswordsService>;
  /** The attempt counter behind the lockout (ADR 0009) and the unlock codes. */
  lockout: LockoutService;
  /** A forgotten password: reset links asked for or sent by an administrator, and used. */
  recovery: RecoveryService;
  /** The session, access-key, invitation, lockout and password policies of a tenant. */
  securityPolicies: SecurityPoliciesService;
  profile: ReturnType<typeof createProfileService>;
  /** Presence reason lists, the list each member works with, the microphone outcome per user. */
  presence: PresenceService;
  /** Which region serves a tenant (LANYARD_REGION, LANYARD_PEER_REGIONS). */
  regions: RegionsService;
  /** A person's tenants: switching, the default tenant, adding an existing user to a tenant. */
  tenancy: TenancyService;
  /** My Profile › Account and › Accessibility: details, email change, preferences. */
  account: AccountService;
  /** The accessibility statement's feedback. */
  accessibilityFeedback: AccessibilityFeedbackService;
  /** Support and Downloads: the catalogue and its files (LANYARD_DOWNLOADS_DIR). */
  downloads: DownloadsService;
  /** The outbox (`enqueue`, which the domains are given alone) and this instance's delivery worker. */
  mail: Outbox & DeliveryWorker;
  audit: ReturnType<typeof createAuditService>;
  rateLimiter: RateLimiter;
  /** OpenID Connect identity providers of a tenant (Administration › Identity providers). */
  identityProviders: IdentityProvidersService;
  /** The relying party: SSO sign-in and the links of My Account. */
  sso: SsoService;
  notifications: Notifications;
  accessKeys: ReturnType<typeof createAccessKeysService>;
  signingKeys: ReturnType<typeof createSigningKeysService>;
  tokens: ReturnType<typeof createTokensService>;
  /** The `iss` of access tokens and the base of the OAuth endpoints: LANYARD_PUBLIC_URL's origin. */
  issuer: string;
  hasherStats: PasswordHasher['stats'];
  /** Statements run on the database by this instance so far. */
  statementCount(): number;
  /** How many password-hashing requests may be in flight at once (the hash pool's workers plus queue). */
  hashingCapacity: number;
  /** Starts building, in the background, what the first requests would otherwise wait for (idempotent). */
  warmUp(): void;
  close(): Promise<void>;
}

export interface DepsOverrides {
  clock?: Clock;
  logger?: Logger;
  storage?: StorageTarget;
  /**
   * An open database to share with another instance in this process (tests on PGlite, whose database
   * belongs to one process). Nothing else is shared: each instance has its own caches and, on PGlite
   * without Redis, its own local invalidations. `close()` leaves the database open.
   */
  db?: Db;
  /** The Redis channel of cache invalidations (tests give each app its own; Redis channels ignore the database index). */
  invalidationChannel?: string;
  masterKey?: Buffer;
  mailTransport?: MailTransport;
  hasher?: HasherOptions;
  /**
   * Leave the background work that only speeds up the first requests (building the common-password list,
   * ~2 s of CPU) until `warmUp()` is called: the server calls it once it listens, so a start on two cores
   * does not share them with it; a one-off command never needs it.
   */
  deferWarmUp?: boolean;
}

export function createLogger(config: Pick<Config, 'logLevel'>): Logger {
  return pino({ level: config.logLevel, serializers: logSerializers, redact: { paths: logRedactPaths, censor: '[redacted]' } });
}

export function storageTargetFor(config: Pick<Config, 'databaseUrl' | 'dataDir' | 'preparedStatements'>): StorageTarget {
  return config.databaseUrl === undefined
    ? { kind: 'pglite', dataDir: path.join(config.dataDir, 'pglite') }
    : { kind: 'postgres', url: config.databaseUrl, preparedStatements: config.preparedStatements };
}

export async function createDeps(config: Readonly<Config>, overrides: DepsOverrides = {}): Promise<Deps> {
  const clock = overrides.clock ?? systemClock;
  const logger = overrides.logger ?? createLogger(config);
  const masterKey = overrides.masterKey ?? config.masterKey ?? (await loadOrCreateMasterKey(config.dataDir));
  const storage = overrides.storage ?? storageTargetFor(config);
  const opened =
    overrides.db ??
    (await openDatabase(
      storage.kind === 'postgres' ? { ...storage, onConnectionError: (error) => logger.warn({ err: error }, 'database connection lost') } : storage,
    ));
  const queryCounter = createQueryCounter();
  const db = opened.withPlugin(queryCounter.plugin);
  const secrets = createSecretHasher(masterKey);
  const hasher = createPasswordHasher(overrides.hasher);
  const transport =
    overrides.mailTransport ??
    (config.smtpUrl === undefined ? createFileTransport(path.join(config.dataDir, 'outbox'), logger) : createSmtpTransport(config.smtpUrl));

  // Outbox bodies are sealed under their own key: a dump or backup of the database holds no link in clear.
  const outboxEncryptor = createOutboxEncryptor(masterKey);
  const mailWorker = createDeliveryWorker({ db, clock, logger, transport, encryptor: outboxEncryptor, from: config.mailFrom });
  const outbox = createOutbox({ clock, encryptor: outboxEncryptor, onEnqueued: () => mailWorker.poke() });
  const mail = { ...outbox, ...mailWorker };
  const audit = createAuditService({ db, clock });
  const rateLimiter = config.redisUrl === undefined ? createMemoryRateLimiter(clock) : createRedisRateLimiter(config.redisUrl, (error) => logger.warn({ err: error }, 'rate-limit store lost its connection'));
  // Redis, when configured, carries invalidations instead of LISTEN/NOTIFY (see storage/notifications.ts).
  const onListenerProblem = (error: Error) => logger.warn({ err: error }, 'cache invalidation listener lost its connection');
  const notifications =
    config.redisUrl !== undefined
      ? await createRedisNotifications(config.redisUrl, { channel: overrides.invalidationChannel, onProblem: onListenerProblem })
      : storage.kind === 'postgres'
        ? await createPostgresNotifications(storage.url, onListenerProblem)
        : createLocalNotifications();
  const users = createUsersService({ db, clock });
  const roles = createRolesService({ db, clock, audit, users, notifications });
  const teams = createTeamsService({ db, clock, audit, users, notifications });
  const presence = createPresenceService({ db, clock, audit });
  const tenants = createTenantsService({ db, clock, region: config.region, roles, presence });
  const sessions = createSessionsService({ db, clock, secrets, audit });
  const links = createSingleUseLinksService({ db, clock, secrets, publicUrl: config.publicUrl });
  const lockout = createLockoutService({ db, clock, links, audit, users });
  const passwords = createPasswordsService({ db, clock, hasher, blocklist: loadPasswordBlocklist, lockout, mail: outbox, audit, tenants, users, sessions });
  const recovery = createRecoveryService({ db, clock, links, passwords, mail: outbox, audit, tenants, users, logger });
  const securityPolicies = createSecurityPoliciesService({ db, tenants, sessions, roles, audit, notifications });
  const mfa = createMfaService({ db, clock, encryptor: createEncryptor(deriveKey(masterKey, 'mfa-totp')), secrets, passwords, tenants, roles, users, audit, mail: outbox });
  // Every sign-in ends in the flow; its gates run once a method accepted the credential.
  const loginFlow = createLoginFlow({ db, clock, sessions, lockout, audit, links, gates: [presenceGate] });
  const invitations = createInvitationsService({
    db,
    clock,
    links,
    hasher,
    mail: outbox,
    audit,
    passwords,
    tenants,
    roles,
    teams,
    users,
    loginUrl: new URL('login', config.publicUrl.href.endsWith('/') ? config.publicUrl : `${config.publicUrl.href}/`).href,
  });
  const regions = createRegionsService({ region: config.region, publicUrl: config.publicUrl, peers: config.peerRegions, tenants, clock, logger });
  const tenancy = createTenancyService({
    db,
    clock,
    users,
    tenants,
    roles,
    teams,
    sessions,
    mfa,
    login: loginFlow,
    presence,
    regions,
    audit,
    mail: outbox,
    invitationsUrl: new URL('profile/general#invitations', config.publicUrl.href.endsWith('/') ? config.publicUrl : `${config.publicUrl.href}/`).href,
  });
  const userImports = createUserImportsService({ db, clock, logger, rowsPerSecond: config.importRowsPerSecond, invitations, roles, teams, users, audit });
  // Build the common-password list in the background, so the first sign-in does not wait for it.
  const warmUp = (): void => void loadPasswordBlocklist().catch((error: unknown) => logger.error({ err: error }, 'common-password list failed to load'));
  if (overrides.deferWarmUp !== true) warmUp();
  const profile = createProfileService({ users, tenants, version: config.version, region: config.region, clock, notifications });
  const account = createAccountService({ db, clock, users, tenants, passwords, links, audit, mail: outbox, notifications });
  const accessibilityFeedback = createAccessibilityFeedbackService({ db, clock, tenants });
  const downloads = createDownloadsService({ db, clock, files: createDownloadFiles(config.downloadsDir), maxBytes: config.downloadsMaxBytes, audit });
  const oidc = createOidcClient({ allowPrivateNetworks: config.ssoAllowPrivateNetworks });
  const identityProviders = createIdentityProvidersService({ db, clock, encryptor: createEncryptor(deriveKey(masterKey, 'identity-provider-secrets')), audit, oidc });
  const sso = createSsoService({ db, clock, secrets, publicUrl: config.publicUrl, oidc, providers: identityProviders, users, tenants, passwords, audit, mail: outbox, logger });
  const login = {
    flow: loginFlow,
    password: createPasswordMethod({ db, flow: loginFlow, hasher, passwords, lockout }),
    totp: createTotpMethod({ db, audit, flow: loginFlow, users, tenants, lockout, sessions, mfa }),
    oidc: createOidcMethod({ db, flow: loginFlow, sso, users, tenants, logger }),
  };
  const accessKeys = createAccessKeysService({ db, clock, secrets, tenants, users, audit, mail: outbox, rateLimiter, notifications, logger });
  const directory = createDirectoryService({ db, clock, users, roles, teams, sessions, audit, notifications, mfa, presence, passwords, sso, accessKeys, account });
  const signingKeys = createSigningKeysService({ db, clock, encryptor: createEncryptor(deriveKey(masterKey, 'signing-keys')), notifications, logger });
  const issuer = config.publicUrl.origin;
  const jwtSigner = createJwtSigner();
  const tokens = createTokensService({ clock, issuer, audience: audienceFor(issuer), signingKeys, jwtSigner, accessKeys });

  return {
    config,
    db,
    clock,
    logger,
    tenants,
    roles,
    teams,
    users,
    invitations,
    userImports,
    directory,
    sessions,
    login,
    mfa,
    links,
    passwords,
    lockout,
    recovery,
    securityPolicies,
    profile,
    presence,
    regions,
    tenancy,
    account,
    accessibilityFeedback,
    downloads,
    mail,
    audit,
    rateLimiter,
    identityProviders,
    sso,
    notifications,
    accessKeys,
    signingKeys,
    tokens,
    issuer,
    hasherStats: () => hasher.stats(),
    statementCount: () => queryCounter.count(),
    hashingCapacity: hasher.capacity,
    warmUp,
    async close() {
      // The import worker finishes the row it is inviting and hands its jobs back to other instances.
      await userImports.stop();
      // Queued forgot-password requests are handled (and their emails queued) before the database closes.
      await recovery.close();
      accessKeys.close();
      profile.close();
      signingKeys.close();
      await notifications.close();
      await mail.close();
      await rateLimiter.close();
      await hasher.close();
      await jwtSigner.close();
      if (overrides.db === undefined) await db.destroy();
    },
  };
}
