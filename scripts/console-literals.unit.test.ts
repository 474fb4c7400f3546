import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

/**
 * Console text comes from the message catalogue (docs/architecture.md, "Console messages"): `npm run lint`
 * fails on a literal string in console JSX. These tests prove the rule applies to console files, to text and
 * to the props a person sees or hears, and leaves catalogue calls alone.
 */
const root = fileURLToPath(new URL('..', import.meta.url));
const consoleFile = `${root}web/src/ui/not-found-page.tsx`;

// One instance: the first lint loads the typed project, which takes a while on a busy machine.
const eslint = new ESLint({ cwd: root });

async function literalFindings(code: string): Promise<number> {
  const [result] = await eslint.lintText(code, { filePath: consoleFile });
  return (result?.messages ?? []).filter((message) => message.ruleId === 'formatjs/no-literal-string-in-jsx').length;
}

const header = "import { useIntl } from 'react-intl';\nimport { TextField } from '../ui/text-field.tsx';\n";

describe('literal strings in console JSX', { timeout: 90_000 }, () => {
  const cases: [kind: string, jsx: string][] = [
    ['text', '<p>Page not found</p>'],
    ['a string expression', "<p>{'Page not found'}</p>"],
    ['a template literal', '<p>{`Hello ${name}`}</p>'],
    ['aria-label', '<button aria-label="Close" />'],
    ['title', '<abbr title="Identifier" />'],
    ['alt', '<img alt="Logo" src="/logo.svg" />'],
    ['placeholder', '<input placeholder="Your name" />'],
    ["a component's label", '<TextField label="Username" />'],
    ["a component's description", '<TextField label={name} description="Set by your administrator." />'],
    ["a section's heading", '<AdminPage heading="Teams" />'],
    ['a confirming label', '<ConfirmDialog confirmLabel={"Delete"} />'],
    ["a table's caption", '<DataTable caption="Teams" />'],
    ['any *Label prop', '<SecretValue showLabel={`Show`} />'],
    ['any *Title prop', '<QueryState failedTitle="Could not load" />'],
  ];
  for (const [kind, jsx] of cases) {
    it(`refuses ${kind}`, async () => {
      const code = `${header}export function Sample({ name }: { name: string }) {\n  return ${jsx};\n}\n`;
      expect(await literalFindings(code)).toBeGreaterThan(0);
    });
  }

  it('accepts catalogue messages, class names and ids', async () => {
    const code = `${header}export function Sample() {
  const intl = useIntl();
  return (
    <section className="card" aria-labelledby="heading" id="main">
      <h1 id="heading">{intl.formatMessage({ id: 'notFound.title' })}</h1>
      <TextField label={intl.formatMessage({ id: 'login.username' })} name="username" autoComplete="username" />
    </section>
  );
}
`;
    expect(await literalFindings(code)).toBe(0);
  });

  it("accepts the building blocks' catalogue words, { id, values } objects", async () => {
    const code = `${header}export function Sample({ name }: { name: string }) {
  return <ConfirmDialog heading={{ id: 'teamsPage.deleteHeading', values: { name } }} confirmLabel={{ id: 'app.delete' }} />;
}
`;
    expect(await literalFindings(code)).toBe(0);
  });
});

describe('literal toast texts', { timeout: 90_000 }, () => {
  async function toastFindings(code: string): Promise<string[]> {
    const [result] = await eslint.lintText(code, { filePath: consoleFile });
    return (result?.messages ?? []).filter((message) => message.ruleId === 'no-restricted-syntax').map((message) => message.message);
  }
  const toastHeader = "import { useIntl } from 'react-intl';\nimport { showToast } from '../ui/toasts.tsx';\n";

  it('refuses a literal or template literal as a toast text', async () => {
    for (const text of ["'Saved'", '`Saved ${name}`']) {
      const code = `${toastHeader}export function saved(name: string) {\n  showToast({ tone: 'success', text: ${text} });\n}\n`;
      expect((await toastFindings(code)).join('\n')).toMatch(/toast says catalogue words/);
    }
  });

  it('accepts a formatted catalogue message', async () => {
    const code = `${toastHeader}export function useSaved() {\n  const intl = useIntl();\n  return () => showToast({ tone: 'success', text: intl.formatMessage({ id: 'teamsPage.created' }, { name: 'x' }) });\n}\n`;
    expect(await toastFindings(code)).toEqual([]);
  });
});
