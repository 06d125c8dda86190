/**
 * Pure text helpers for the CLI (SPEC §1.1, §1.3, §2.2, §9.6). They work on the file's text, not on a
 * parsed resource, so comments and formatting survive.
 */
import { isMap, isPair, isScalar, parseAllDocuments } from 'yaml';

/**
 * The kind named by the first line matching `^type:\s*(\w+)` (multi-line), as Tracetest's CLI decides
 * what a file is; `""` when no line matches.
 * @example detectDefinitionType('# a test\ntype: Test\nspec: {}\n') // 'Test'
 */
export function detectDefinitionType(text: string): string {
  return /^type:\s*(\w+)/m.exec(text)?.[1] ?? '';
}

const PLAIN_ID_RE = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

/**
 * Writes `id: <id>` back into a definition file after an apply (SPEC §1.3, Q22 recommended): inserted
 * as the first key of the `spec` mapping with the indentation of spec's first child, textually, so
 * comments and formatting are kept. Returns the text unchanged when `spec` already has an `id` or is
 * not a mapping with at least one key.
 * @example insertIdIntoDefinitionText('type: Test\nspec:\n  name: x\n', 'abc')
 * // 'type: Test\nspec:\n  id: abc\n  name: x\n'
 */
export function insertIdIntoDefinitionText(text: string, id: string): string {
  const [doc] = parseAllDocuments(text);
  const root = doc?.contents;
  if (!isMap(root)) return text;
  const specPair = root.items.find((pair) => isPair(pair) && isScalar(pair.key) && pair.key.value === 'spec');
  const spec = specPair?.value;
  if (!isMap(spec) || spec.has('id')) return text;
  const idText = PLAIN_ID_RE.test(id) ? id : JSON.stringify(id);
  const firstKey = spec.items[0]?.key;
  const firstOffset = isScalar(firstKey) ? firstKey.range?.[0] : undefined;
  if (spec.flow) {
    const open = spec.range?.[0];
    if (open === undefined || text[open] !== '{') return text;
    const separator = spec.items.length > 0 ? ', ' : '';
    return `${text.slice(0, open + 1)}id: ${idText}${separator}${text.slice(open + 1)}`;
  }
  if (firstOffset === undefined) return text;
  const lineStart = text.lastIndexOf('\n', firstOffset - 1) + 1;
  const indent = text.slice(lineStart, firstOffset);
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  if (/^[ \t]*$/.test(indent)) {
    return `${text.slice(0, lineStart)}${indent}id: ${idText}${eol}${text.slice(lineStart)}`;
  }
  // The first key shares its line with something else (an anchor, a tag): break the line at the key.
  return `${text.slice(0, firstOffset)}id: ${idText}${eol}${' '.repeat(firstOffset - lineStart)}${text.slice(firstOffset)}`;
}

/**
 * Replaces every `${NAME}` (NAME of letters, digits and `_`) with `lookup(NAME)`, or `""` when it gives
 * `undefined`, as the CLI does with OS environment variables before sending a file (SPEC §2.2).
 * `${env:X}` and `${var:X}` are left for the server.
 * @example substituteEnvironmentPlaceholders('http://${HOST}/x', (n) => ({ HOST: 'h1' })[n]) // 'http://h1/x'
 */
export function substituteEnvironmentPlaceholders(
  text: string,
  lookup: (name: string) => string | undefined,
): string {
  return text.replace(/\$\{(\w+)\}/g, (_, name: string) => lookup(name) ?? '');
}

/**
 * Whether a value "looks like a path" (SPEC §9.6): it starts with `./`, `../` or `/`.
 * @example looksLikePath('./api.proto') // true
 */
export function looksLikePath(text: string): boolean {
  return text.startsWith('./') || text.startsWith('../') || text.startsWith('/');
}
