/**
 * Folder-level dependency rules for the server (docs/architecture.md, "Dependency rules"): no folder depends
 * on a folder that depends back on it, and the layers point one way. File-level rules (which kind of file
 * may import what) are in eslint.config.js; this file checks what ESLint cannot see: the graph.
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-folder-cycles',
      severity: 'error',
      comment: 'Two folders depend on each other. Move the shared piece down (kernel/, a model) or invert the dependency (an interface the lower folder declares).',
      scope: 'folder',
      from: { path: '^server/src/' },
      to: { circular: true },
    },
    {
      name: 'no-file-cycles',
      severity: 'error',
      from: { path: '^server/src/' },
      to: { circular: true },
    },
    {
      name: 'kernel-imports-no-domain',
      severity: 'error',
      comment: 'kernel/ and errors/ are below every domain.',
      from: { path: '^server/src/(kernel|errors)/' },
      to: { path: '^server/src/', pathNot: '^server/src/(kernel|errors)/' },
    },
    {
      name: 'http-declares-what-it-needs',
      severity: 'error',
      comment: 'http/ is below the domains: it declares small interfaces (Authenticator) that the composition root fills, instead of importing services. It may use the infrastructure (storage/, rate-limits/).',
      from: { path: '^server/src/http/' },
      to: { path: '^server/src/', pathNot: '^server/src/(http|kernel|errors|config|storage|rate-limits)/' },
    },
    {
      name: 'domains-do-not-import-the-root',
      severity: 'error',
      comment: 'app.ts, deps.ts and main.ts compose the domains; nothing below them imports them (but the cli/, which starts them).',
      from: { path: '^server/src/[^/]+/', pathNot: '^server/src/cli/' },
      to: { path: '^server/src/[^/]+\\.ts$' },
    },
    {
      name: 'web-never-imports-server',
      severity: 'error',
      from: { path: '^web/' },
      to: { path: '^server/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: ['node_modules', '\\.test\\.ts$', '^server/src/testing/', 'fixtures/'] },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'node', 'default'] },
  },
};
