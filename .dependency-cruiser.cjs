/**
 * The dependency rules of docs/architecture.md ("Dependency rules", "Console layout"), checked on RESOLVED
 * modules: an import written without its extension, with `.js`, or from a nested folder resolves to the same
 * file and meets the same rule. Rules are per kind of file, named by its suffix (`*-service.ts`, `*-repo.ts`, …),
 * never by a list of domains, so a new or split domain is covered the day it is created. ESLint keeps what only
 * it can see (process.env, syntax, literal strings in the console).
 */

/** Kinds of server file. `$1` in a `to` pattern is the domain folder of the importing file. */
const server = '^server/src/';
const service = `${server}([^/]+)/[^/].*-(?:service|method|flow)\\.ts$`;
const repoOrRead = `${server}([^/]+)/[^/].*-(?:repo|read)\\.ts$`;
const anyRepoOrRead = `${server}[^/]+/[^/].*-(?:repo|read)\\.ts$`;
const anyService = `${server}[^/]+/[^/].*-(?:service|method|flow)\\.ts$`;
const anyRoutes = `${server}[^/].*-routes\\.ts$`;
/** Infrastructure and the composition root: not domains, with rules of their own. */
const notADomain = `${server}(?:kernel|errors|storage|rate-limits|http|cli|config|testing)/`;

/** A package, wherever node_modules is (fixtures resolve to the repository's). */
const npm = (names) => `(?:^|/)node_modules/(?:@types/)?(?:${names.join('|')})/`;
const fastify = npm(['fastify', '@fastify/[^/]+', 'fastify-[^/]+']);
const kysely = npm(['kysely']);
const nodemailer = npm(['nodemailer']);
const openidClient = npm(['openid-client']);
const databaseDrivers = npm(['pg', '@electric-sql/pglite', 'ioredis']);

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    // ---- The graph: no cycles, layers point one way. ----
    {
      name: 'no-folder-cycles',
      severity: 'error',
      comment: 'Two folders depend on each other. Move the shared piece down (kernel/, a model; session/ or ui/ in the console) or invert the dependency (an interface the lower folder declares).',
      scope: 'folder',
      from: { path: '^(server|web)/src/' },
      to: { circular: true },
    },
    {
      name: 'no-file-cycles',
      severity: 'error',
      from: { path: '^(server|web)/src/' },
      to: { circular: true },
    },
    {
      name: 'no-unresolvable-imports',
      severity: 'error',
      comment: 'An import the rules cannot resolve cannot be checked: write it so that it resolves.',
      from: { path: '^(server|web)/src/' },
      to: { couldNotResolve: true },
    },
    {
      name: 'kernel-imports-no-domain',
      severity: 'error',
      comment: 'kernel/ and errors/ are below every domain.',
      from: { path: `${server}(kernel|errors)/` },
      to: { path: server, pathNot: `${server}(kernel|errors)/` },
    },
    {
      name: 'kernel-uses-no-framework',
      severity: 'error',
      comment: 'kernel/ and errors/ use no framework, driver or database.',
      from: { path: `${server}(kernel|errors)/` },
      to: { path: [fastify, nodemailer, openidClient, databaseDrivers, kysely] },
    },
    {
      name: 'infrastructure-imports-no-domain',
      severity: 'error',
      comment: 'storage/ and rate-limits/ are infrastructure: they import no domain.',
      from: { path: `${server}(storage|rate-limits)/` },
      to: { path: server, pathNot: `${server}(kernel|errors|storage|rate-limits)/` },
    },
    {
      name: 'http-declares-what-it-needs',
      severity: 'error',
      comment: 'http/ is below the domains: it declares small interfaces (Authenticator) that the composition root fills, instead of importing services. It may use the infrastructure (storage/, rate-limits/).',
      from: { path: `${server}http/` },
      to: { path: server, pathNot: `${server}(http|kernel|errors|config|storage|rate-limits)/` },
    },
    {
      name: 'domains-do-not-import-the-root',
      severity: 'error',
      comment: 'app.ts, deps.ts and main.ts compose the domains; nothing below them imports them (but the cli/, which starts them).',
      from: { path: `${server}[^/]+/`, pathNot: `${server}cli/` },
      to: { path: `${server}[^/]+\\.ts$` },
    },

    // ---- Server: what each kind of file may import. ----
    {
      name: 'service-calls-other-domains-through-their-service',
      severity: 'error',
      comment: "A service calls another domain's service, never its repository or read model.",
      from: { path: service },
      to: { path: anyRepoOrRead, pathNot: `${server}$1/` },
    },
    {
      name: 'service-knows-no-http',
      severity: 'error',
      comment: 'Services know nothing of HTTP: no routes, no Fastify.',
      from: { path: service },
      to: { path: [anyRoutes, `${server}http/`] },
    },
    {
      name: 'repo-depends-on-storage-and-its-model',
      severity: 'error',
      comment: "Repositories and read models depend on storage/ and their own domain's model only: never a service or routes (the arrow runs down), never another domain's repository.",
      from: { path: repoOrRead },
      to: { path: [anyService, anyRoutes, anyRepoOrRead, `${server}http/`], pathNot: `${server}$1/[^/].*-(?:repo|read)\\.ts$` },
    },
    {
      name: 'routes-call-services',
      severity: 'error',
      comment: 'Routes call services, never repositories, read models or the database handle.',
      from: { path: [anyRoutes, `${server}app\\.ts$`], pathNot: `${server}http/` },
      to: { path: [anyRepoOrRead, `${server}storage/db\\.ts$`] },
    },
    {
      name: 'model-imports-models',
      severity: 'error',
      comment: 'A model depends on models, kernel/, errors/ and contracts only.',
      from: { path: `${server}[^/]+/`, pathNot: [notADomain, `${server}mail/`, `-(service|method|flow|repo|read|routes)\\.ts$`] },
      to: { path: [anyService, anyRepoOrRead, anyRoutes, `${server}(storage|http)/`] },
    },
    {
      name: 'mail-reaches-storage-through-its-repo',
      severity: 'error',
      comment: 'mail/ reaches storage only through its own repository, and knows nothing of routes.',
      from: { path: `${server}mail/` },
      to: { path: [anyRoutes, anyRepoOrRead], pathNot: `${server}mail/` },
    },
    {
      name: 'table-rows-stay-below-the-domain',
      severity: 'error',
      comment: 'Table rows (storage/database.ts) stay in storage/, the repositories and the read models: use the domain record from <domain>.ts.',
      from: { path: server, pathNot: [`${server}storage/`, '-(repo|read)\\.ts$'] },
      to: { path: `${server}storage/database\\.ts$` },
    },
    {
      name: 'kysely-only-below-services',
      severity: 'error',
      comment: 'Only repositories, read models and storage/ use Kysely at runtime (type-only imports of its types are allowed).',
      from: { path: server, pathNot: [`${server}storage/`, '-(repo|read)\\.ts$'] },
      to: { path: kysely, dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'database-drivers-only-in-storage',
      severity: 'error',
      comment: 'The database and Redis drivers are storage/ and rate-limits/ business.',
      from: { path: server, pathNot: `${server}(storage|rate-limits)/` },
      to: { path: databaseDrivers },
    },
    {
      name: 'nodemailer-only-in-mail',
      severity: 'error',
      comment: 'Only mail/ imports nodemailer; everyone else writes to the outbox.',
      from: { path: server, pathNot: `${server}mail/` },
      to: { path: nodemailer },
    },
    {
      name: 'openid-client-only-in-sso',
      severity: 'error',
      comment: 'Only sso/ speaks to OpenID providers (openid-client); sign-in calls sso/’s service.',
      from: { path: server, pathNot: `${server}sso/` },
      to: { path: openidClient },
    },
    {
      name: 'fastify-only-in-routes-and-http',
      severity: 'error',
      comment: 'Only routes, http/ and the root (app.ts, main.ts) import Fastify.',
      from: { path: server, pathNot: [anyRoutes, `${server}http/`, `${server}(app|main)\\.ts$`] },
      to: { path: fastify },
    },

    // ---- The console: shell > features > session > ui, api > i18n. ----
    {
      name: 'web-never-imports-server',
      severity: 'error',
      from: { path: '^web/' },
      to: { path: '^server/' },
    },
    {
      name: 'web-features-below-the-shell',
      severity: 'error',
      comment: 'Features never import the shell (router, layouts): what they need from it belongs in session/ or ui/.',
      from: { path: '^web/src/(features|session|ui|api|i18n)/' },
      to: { path: '^web/src/(shell/|main\\.tsx$)' },
    },
    {
      name: 'web-session-below-features',
      severity: 'error',
      comment: 'session/ (the signed-in context, navigation state, preferences) sits below the features.',
      from: { path: '^web/src/(session|ui|api|i18n)/' },
      to: { path: '^web/src/features/' },
    },
    {
      name: 'web-ui-imports-i18n-and-libraries',
      severity: 'error',
      comment: 'ui/ widgets take what they show as props: they import i18n/ and libraries only, never api/, session/, features/ or shell/.',
      from: { path: '^web/src/ui/' },
      to: { path: '^web/src/', pathNot: '^web/src/(ui|i18n)/' },
    },
    {
      name: 'web-api-imports-contracts',
      severity: 'error',
      comment: 'api/ is the typed client: it imports contracts and libraries only.',
      from: { path: '^web/src/api/' },
      to: { path: '^web/src/', pathNot: '^web/src/api/' },
    },
    {
      name: 'web-i18n-is-the-bottom',
      severity: 'error',
      from: { path: '^web/src/i18n/' },
      to: { path: '^web/src/', pathNot: '^web/src/i18n/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: ['\\.test\\.tsx?$', '^server/src/testing/', 'fixtures/'] },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'node', 'default'] },
  },
};
