import type { CliIo } from '../io';

/** Global flags that take a value, skipped when looking for the command words. */
const GLOBAL_FLAGS_WITH_VALUE = new Set(['-o', '--output']);
const FORMATS = new Set(['pretty', 'json', 'yaml']);

function replaceFlags(args: readonly string[], map: Readonly<Record<string, string | null>>): string[] {
  const out: string[] = [];
  for (const arg of args) {
    const [flag, value] =
      arg.startsWith('--') && arg.includes('=')
        ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
        : [arg, undefined];
    if (flag in map) {
      const to = map[flag];
      if (to === null) continue;
      out.push(...(value === undefined ? [to!] : [`${to}=${value}`]));
    } else {
      out.push(arg);
    }
  }
  return out;
}

/** `-o FILE` of Tracetest's legacy export commands names the file, not the output format. */
function exportFileFlag(args: readonly string[]): string[] {
  const out = [...args];
  for (let i = 0; i < out.length; i++) {
    if ((out[i] === '-o' || out[i] === '--output') && out[i + 1] !== undefined && !FORMATS.has(out[i + 1]!)) {
      out[i] = '-f';
    }
  }
  return out;
}

/**
 * Rewrites Tracetest's legacy spellings (SPEC §9.2: `test run`, `test list`, `test export`,
 * `datastore apply|export|list`, `environment apply`) to today's commands, with a deprecation notice on
 * stderr. Anything else is returned unchanged.
 * @example rewriteLegacyArgs(['test', 'run', '-d', 't.yaml', '-w'], io) // ['run', 'test', '-f', 't.yaml']
 */
export function rewriteLegacyArgs(argv: readonly string[], io: CliIo): readonly string[] {
  let i = 0;
  while (i < argv.length && argv[i]!.startsWith('-')) i += GLOBAL_FLAGS_WITH_VALUE.has(argv[i]!) ? 2 : 1;
  const before = argv.slice(0, i);
  const [group, verb, ...rest] = argv.slice(i);
  let rewritten: string[] | undefined;
  if (group === 'test' && verb === 'run') {
    const waits = rest.some((a) => a === '-w' || a === '--wait-for-result');
    const args = replaceFlags(rest, {
      '-d': '-f',
      '--definition': '--file',
      '-e': '--vars',
      '--environment': '--vars',
      '-w': null,
      '--wait-for-result': null,
    });
    rewritten = ['run', 'test', ...args, ...(waits ? [] : ['-W'])];
  } else if (group === 'test' && (verb === 'list' || verb === 'export')) {
    rewritten = [verb, 'test', ...(verb === 'export' ? exportFileFlag(rest) : rest)];
  } else if (group === 'datastore' && (verb === 'apply' || verb === 'export' || verb === 'list')) {
    rewritten = [verb, 'datastore', ...(verb === 'export' ? exportFileFlag(rest) : rest)];
  } else if (group === 'environment' && verb === 'apply') {
    rewritten = ['apply', 'variableset', ...rest];
  }
  if (!rewritten) return argv;
  io.stderr.write(
    `warning: \`tracecheck ${group} ${verb}\` is deprecated and will be removed: use \`tracecheck ${rewritten.slice(0, 2).join(' ')}\`\n`,
  );
  return [...before, ...rewritten];
}
