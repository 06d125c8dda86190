/** What the Automate tab shows: the CLI commands that run a test and a link that starts it with variables. */
import { hrefOf } from '../router/routes';

/** A file name for the test's YAML: its id, made safe for a shell and a file system. */
export function yamlFileName(testId: string): string {
  const safe = testId.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '');
  return `${safe || 'test'}.yaml`;
}

/** Quotes a word for a POSIX shell when it needs it. */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9._\-/:=@]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

/** The file name of the variable set the commands pass with `--vars`. */
export const VARIABLES_FILE = 'variables.yaml';

/**
 * The CLI commands that run the test: from its stored id, and from its YAML file; with variables,
 * both pass the variable set file `variableSetYaml` writes (`--vars`).
 */
export function cliCommands(
  testId: string,
  variables: Readonly<Record<string, string>> = {},
): { readonly byId: string; readonly byFile: string } {
  const vars = Object.keys(variables).some((key) => key !== '') ? ` --vars ${VARIABLES_FILE}` : '';
  return {
    byId: `tracecheck run test --id ${shellQuote(testId)}${vars}`,
    byFile: `tracecheck run test -f ${shellQuote(yamlFileName(testId))}${vars}`,
  };
}

/** A VariableSet file (SPEC §1.6) with these variables, for `--vars`. */
export function variableSetYaml(name: string, variables: Readonly<Record<string, string>>): string {
  const lines = ['type: VariableSet', 'spec:', `  name: ${JSON.stringify(name)}`, '  values:'];
  const entries = Object.entries(variables).filter(([key]) => key !== '');
  if (entries.length === 0) lines[3] = '  values: []';
  for (const [key, value] of entries) {
    lines.push(`    - key: ${JSON.stringify(key)}`, `      value: ${JSON.stringify(value)}`);
  }
  return `${lines.join('\n')}\n`;
}

/** The absolute link that opens the dashboard and starts the test with these variables after a confirmation. */
export function startRunLink(
  origin: string,
  testId: string,
  variables: Readonly<Record<string, string>>,
): string {
  const kept = Object.fromEntries(Object.entries(variables).filter(([key]) => key !== ''));
  return `${origin}${hrefOf({ page: 'start-run', testId, variables: kept })}`;
}
