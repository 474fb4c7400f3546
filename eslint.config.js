// @ts-check
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const fastifyOnly = ['fastify', '@fastify/*', 'fastify-type-provider-zod'];

/** Dependency direction (docs/architecture.md): each block lists what a kind of file must not import. */
const restrict = (patterns, message) => ({
  'no-restricted-imports': ['error', { patterns: [{ group: patterns, message }] }],
});

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', 'data/**', 'coverage/**', 'e2e/screenshots/**'] },
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
  // Only http/, *-routes.ts and app.ts speak Fastify.
  {
    files: ['server/src/**/*.ts'],
    ignores: ['server/src/http/**', 'server/src/**/*-routes.ts', 'server/src/app.ts'],
    rules: restrict(fastifyOnly, 'Only routes and http/ import Fastify.'),
  },
  // Only repositories, storage/ and migrations touch Kysely; only mail/ sends mail; only config/ reads the environment.
  {
    files: ['server/src/**/*.ts'],
    ignores: ['server/src/**/*-repo.ts', 'server/src/storage/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['kysely'], allowTypeImports: true, message: 'Only repositories and storage/ use Kysely.' },
            { group: ['nodemailer', 'nodemailer/*'], message: 'Only mail/ imports nodemailer.' },
            { group: fastifyOnly, message: 'Only routes and http/ import Fastify.' },
          ],
        },
      ],
    },
  },
  {
    files: ['server/src/http/**/*.ts', 'server/src/**/*-routes.ts', 'server/src/app.ts'],
    rules: restrict(['kysely', 'nodemailer', 'nodemailer/*', '**/*-repo.ts'], 'Routes call services, never repositories or storage.'),
  },
  {
    files: ['server/src/mail/**/*.ts'],
    rules: restrict(['kysely', '**/*-routes.ts', '../*/*-repo.ts'], 'mail/ reaches storage only through its own repository.'),
  },
  {
    files: ['server/src/**/*-service.ts'],
    rules: restrict(['../*/*-repo.ts', '**/*-routes.ts', ...fastifyOnly], "A service calls another domain's service, never its repository."),
  },
  {
    files: ['server/src/**/*-repo.ts'],
    rules: restrict(['**/*-service.ts', '**/*-routes.ts', ...fastifyOnly], 'Repositories depend on storage only.'),
  },
  {
    files: ['server/src/kernel/**/*.ts', 'server/src/errors/**/*.ts'],
    rules: restrict(['../*/*', '!../kernel/*', '!../errors/*'], 'kernel/ and errors/ import no domain.'),
  },
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
    rules: restrict(['**/server/**', '@lanyard/server', '@lanyard/server/*'], 'The console imports contracts, never the server.'),
  },
  {
    files: ['contracts/**/*.ts'],
    rules: restrict(['**/server/**', '**/web/**', 'fastify', 'kysely', 'react'], 'contracts/ is shared and depends on neither side.'),
  },
);
