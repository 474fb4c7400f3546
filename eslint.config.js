// @ts-check
import js from '@eslint/js';
import formatjs from 'eslint-plugin-formatjs';
import globals from 'globals';
import tseslint from 'typescript-eslint';


const fastifyOnly = ['fastify', '@fastify/*', 'fastify-type-provider-zod'];
const mailOnly = ['nodemailer', 'nodemailer/*'];
const databaseDrivers = ['pg', '@electric-sql/pglite', 'ioredis'];
const kysely = { group: ['kysely'], allowTypeImports: true, message: 'Only repositories, read models and storage/ use Kysely.' };
const tableTypes = { group: ['**/storage/database.ts'], message: 'Table rows stay in storage/ and the repositories: use the domain record from <domain>.ts.' };
const rule = (group, message) => ({ group, message });

/**
 * One no-restricted-imports setting per kind of server file. Kinds are tried in order and a file belongs to
 * the first whose pattern matches, so every file gets exactly one setting.
 */
/** The one import setting of web/ and contracts/ files, which have a single kind each. */
const restrictTo = (patterns, message) => ({ 'no-restricted-imports': ['error', { patterns: [{ group: patterns, message }] }] });

function importBoundaries() {
  const server = (glob) => `server/src/${glob}`;
  const kinds = [
    {
      name: 'kernel and errors',
      files: [server('kernel/**/*.ts'), server('errors/**/*.ts')],
      patterns: [
        rule(['../*/*', '!../kernel/*', '!../errors/*'], 'kernel/ and errors/ import no domain.'),
        rule([...fastifyOnly, ...mailOnly, ...databaseDrivers, 'kysely'], 'kernel/ and errors/ use no framework, driver or database.'),
      ],
    },
    {
      name: 'repositories and read models',
      files: [server('**/*-repo.ts'), server('**/*-read.ts')],
      patterns: [
        rule(['**/*-service.ts', '**/*-routes.ts', '../*/*-repo.ts', '../*/*-read.ts'], "Repositories depend on storage and their own domain's model only."),
        rule([...fastifyOnly, ...mailOnly], 'Repositories speak SQL only.'),
      ],
    },
    {
      name: 'infrastructure',
      files: [server('storage/**/*.ts'), server('rate-limits/**/*.ts')],
      patterns: [
        rule(['../*/*', '!../kernel/*', '!../errors/*', '!../storage/*', '!../rate-limits/*'], 'storage/ and rate-limits/ are infrastructure: they import no domain.'),
        rule([...fastifyOnly, ...mailOnly], 'Infrastructure speaks to its server only.'),
      ],
    },
    {
      name: 'routes',
      files: [server('**/*-routes.ts'), server('app.ts')],
      // /readyz asks the database itself: it is http/'s, with http/'s rules.
      ignores: [server('http/health-routes.ts')],
      patterns: [
        kysely,
        tableTypes,
        rule(['**/*-repo.ts', '**/*-read.ts', '**/storage/db.ts'], 'Routes call services, never repositories or storage.'),
        rule([...mailOnly, ...databaseDrivers], 'Routes call services.'),
      ],
    },
    {
      name: 'http',
      files: [server('http/**/*.ts')],
      patterns: [
        kysely,
        tableTypes,
        rule(['**/*-repo.ts', '**/*-read.ts', '**/*-service.ts'], 'http/ declares the interfaces it needs (Authenticator); the composition root fills them.'),
        rule([...mailOnly, ...databaseDrivers], 'http/ speaks HTTP.'),
      ],
    },
    {
      name: 'services',
      files: [server('**/*-service.ts'), server('**/*-method.ts')],
      ignores: [server('mail/**')],
      patterns: [
        kysely,
        tableTypes,
        rule(['../*/*-repo.ts', '../*/*-read.ts'], "A service calls another domain's service, never its repository."),
        rule(['**/*-routes.ts', ...fastifyOnly], 'Services know nothing of HTTP.'),
        rule([...mailOnly, ...databaseDrivers], 'Services reach mail through mail/ and the database through their repository.'),
      ],
    },
    {
      name: 'mail',
      files: [server('mail/**/*.ts')],
      patterns: [kysely, rule(['**/*-routes.ts', '../*/*-repo.ts', ...fastifyOnly], 'mail/ reaches storage only through its own repository.')],
    },
    {
      name: 'models and the rest',
      files: [server('**/*.ts')],
      // The composition root (main, deps, cli) wires everything; config/ only reads the environment.
      ignores: [server('cli/**'), server('main.ts'), server('deps.ts'), server('config/**')],
      patterns: [
        kysely,
        tableTypes,
        rule(['**/*-service.ts', '**/*-repo.ts', '**/*-read.ts', '**/*-routes.ts', '**/storage/*', '**/http/*'], 'A model depends on models, kernel/, errors/ and contracts only.'),
        rule([...fastifyOnly, ...mailOnly, ...databaseDrivers], 'A model is plain TypeScript.'),
      ],
    },
  ];
  // Tests and their helpers may reach anything they need to set a scene up.
  const seen = [server('**/*.test.ts'), server('testing/**')];
  return kinds.map((kind) => {
    const block = {
      name: `import boundaries: ${kind.name}`,
      files: kind.files,
      ignores: [...seen, ...(kind.ignores ?? [])],
      rules: { 'no-restricted-imports': ['error', { patterns: kind.patterns }] },
    };
    seen.push(...kind.files);
    return block;
  });
}

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', 'data/**', 'coverage/**', 'e2e/screenshots/**', '.dependency-cruiser.cjs', 'scripts/fixtures/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: { allowDefaultProject: ['vitest.config.ts', 'eslint.config.js'] }, tsconfigRootDir: import.meta.dirname },
      globals: { ...globals.node },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      // Fastify hooks and handlers are async by contract, with or without an await inside.
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': [
        'error',
        { selector: "ExportAllDeclaration", message: 'No barrel re-exports; import from the module that defines the name.' },
      ],
    },
  },
  {
    // Tests inspect JSON answers (typed any by inject) with assertions; the unsafe-any family adds noise there.
    files: ['**/*.test.ts', 'e2e/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
  // Import boundaries (docs/architecture.md, "Dependency rules"). In flat config the last block that sets a
  // rule wins, so each kind of file gets exactly one no-restricted-imports block: the first block that
  // matches a file here is the only one that does (each later block ignores the files of the earlier ones).
  // eslint-fixtures/ holds files that must fail these rules (tested by scripts/lint-boundaries.test.ts).
  // Folder-level direction and cycles are checked by dependency-cruiser (.dependency-cruiser.cjs).
  ...importBoundaries(),
  {
    files: ['server/src/**/*.ts'],
    ignores: ['server/src/config/**'],
    rules: {
      'no-restricted-properties': ['error', { object: 'process', property: 'env', message: 'Only config/ reads the environment.' }],
    },
  },
  {
    files: ['web/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    rules: restrictTo(['**/server/**', '@lanyard/server', '@lanyard/server/*'], 'The console imports contracts, never the server.'),
  },
  {
    // Console messages (docs/architecture.md, "Console messages"): every user-visible string comes from the
    // catalogue (web/src/i18n/messages/en.json). The rule fails on literal text in JSX and on literal strings in
    // the props a person sees or hears (labels, headings, captions, a confirming button's words: any prop named
    // like one, `showLabel` and `confirmLabel` too); the brand is a catalogue entry too, so there are no
    // exceptions. The building blocks take catalogue words as `{ id, values }` objects, which no literal can be.
    files: ['web/**/*.tsx'],
    plugins: { formatjs },
    rules: {
      'formatjs/no-literal-string-in-jsx': [
        'error',
        {
          props: {
            include: [
              ['*', '{label,description,placeholder,title,alt,hint,pendingLabel,errorMessage,textValue,heading,eyebrow,caption,text,empty,failedTitle,loadingLabel}'],
              ['*', '*{Label,Heading,Title,Text}'],
            ],
          },
        },
      ],
    },
  },
  {
    // Toasts say catalogue words too: `showToast({ text })` takes a formatted message, never a literal.
    files: ['web/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-syntax': [
        'error',
        { selector: 'ExportAllDeclaration', message: 'No barrel re-exports; import from the module that defines the name.' },
        {
          selector: "CallExpression[callee.name='showToast'] > ObjectExpression > Property[key.name='text'] > :matches(Literal, TemplateLiteral)",
          message: 'A toast says catalogue words: intl.formatMessage({ id }) or a useCommand success message, never a literal.',
        },
      ],
    },
  },
  {
    files: ['contracts/**/*.ts'],
    rules: restrictTo(['**/server/**', '**/web/**', 'fastify', 'kysely', 'react'], 'contracts/ is shared and depends on neither side.'),
  },
);
