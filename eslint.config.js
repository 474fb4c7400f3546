// @ts-check
import js from '@eslint/js';
import formatjs from 'eslint-plugin-formatjs';
import globals from 'globals';
import tseslint from 'typescript-eslint';


/** The one import setting of web/ and contracts/ files, which have a single kind each. */
const restrictTo = (patterns, message) => ({ 'no-restricted-imports': ['error', { patterns: [{ group: patterns, message }] }] });

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
  // Import boundaries (docs/architecture.md, "Dependency rules") are dependency-cruiser's
  // (.dependency-cruiser.cjs), which checks resolved modules: an import written without its extension, with .js
  // or from a nested folder cannot walk around them. scripts/boundaries.unit.test.ts proves each rule fails lint.
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
