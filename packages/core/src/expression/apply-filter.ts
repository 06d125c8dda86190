import { evaluateJsonPath } from './evaluate-json-path';
import { createEvaluationFailure, createResolutionFailure } from './expression-failure';
import {
  createArrayValue,
  createSingleValue,
  type ExpressionValue,
  NIL_VALUE,
  type SingleValue,
  valueFromText,
} from './expression-value';
import { type JsonNode, parseJsonDocument, renderJsonCompact } from './json-document';
import { compileRe2Pattern, findAllRe2Matches } from './re2-pattern';

type FilterFunction = (input: ExpressionValue, args: readonly string[]) => ExpressionValue;

interface FilterSpec {
  readonly usage: string;
  readonly argCount: number;
  readonly apply: FilterFunction;
}

/** 0 results → `none`, 1 → a single value, more → an array: the shape every multi-result filter uses. */
function collect(texts: readonly string[], none: ExpressionValue): ExpressionValue {
  if (texts.length === 0) return none;
  if (texts.length === 1) return valueFromText(texts[0]!);
  return createArrayValue(texts.map(valueFromText));
}

function requireSingle(filter: string, input: ExpressionValue): SingleValue {
  if (input.kind === 'array') {
    throw createEvaluationFailure(
      `${filter} needs a single value, got an array of ${input.items.length} items: pick one first with | get_index N`,
    );
  }
  return input;
}

/** A matched node as text (Q12 recommended): strings bare, everything else as compact JSON. */
function renderMatch(node: JsonNode): string {
  return node.kind === 'string' ? node.value : renderJsonCompact(node);
}

const jsonPath: FilterFunction = (input, [path]) => {
  if (input.kind === 'array') {
    throw createEvaluationFailure(
      'json_path: cannot process array of json objects: apply json_path to one JSON text (pick one first with | get_index N)',
    );
  }
  const document = parseJsonDocument(input.text);
  if (!document.ok) {
    throw createEvaluationFailure(
      `json_path: the input is not valid JSON (${document.message}): "${input.text}"`,
    );
  }
  const result = evaluateJsonPath(path!, document.node);
  if (!result.ok) {
    throw createEvaluationFailure(
      `json_path: invalid JSONPath "${path}": ${result.message} (filters compare with ==, e.g. $[?(@.name == "x")])`,
    );
  }
  return collect(result.nodes.map(renderMatch), NIL_VALUE);
};

const regex: FilterFunction = (input, [pattern]) => {
  const text = requireSingle('regex', input).text;
  const matches = findAllRe2Matches(compileRe2Pattern(pattern!), text);
  return collect(
    matches.map((m) => m.text),
    createArrayValue([]),
  );
};

const regexGroup: FilterFunction = (input, [pattern]) => {
  const text = requireSingle('regex_group', input).text;
  const groups = findAllRe2Matches(compileRe2Pattern(pattern!), text).flatMap((m) => m.groups);
  return collect(groups, createArrayValue([]));
};

function itemsOf(input: ExpressionValue): readonly SingleValue[] {
  if (input.kind === 'array') return input.items;
  return input.type === 'nil' ? [] : [input];
}

const getIndex: FilterFunction = (input, [indexText]) => {
  const items = itemsOf(input);
  let index: number;
  if (indexText === 'last') index = items.length - 1;
  else if (/^-?[0-9]+$/.test(indexText!)) index = Number(indexText);
  else {
    throw createEvaluationFailure(`get_index: expected a whole number or 'last', got "${indexText}"`);
  }
  const item = index >= 0 ? items[index] : undefined;
  if (!item) {
    throw createEvaluationFailure(
      `get_index: index out of boundaries: ${indexText} is not in [0, ${items.length}) (the value has ${items.length} item${items.length === 1 ? '' : 's'})`,
    );
  }
  return item;
};

const utf8 = new TextEncoder();

const length: FilterFunction = (input) => {
  if (input.kind === 'array') return createSingleValue('number', input.items.length.toString());
  if (input.type === 'nil') return createSingleValue('number', '0');
  if (input.type !== 'string') {
    throw createEvaluationFailure(
      `length: unsupported type "${input.type}" of "${input.text}": length counts the items of an array value or the bytes of a string`,
    );
  }
  return createSingleValue('number', utf8.encode(input.text).length.toString());
};

const type: FilterFunction = (input) => valueFromText(input.kind === 'array' ? 'array' : input.type);

const FILTERS: Readonly<Record<string, FilterSpec>> = {
  json_path: { usage: "json_path '$.path'", argCount: 1, apply: jsonPath },
  regex: { usage: "regex 'pattern'", argCount: 1, apply: regex },
  regex_group: { usage: "regex_group 'pattern'", argCount: 1, apply: regexGroup },
  get_index: { usage: "get_index N (N from 0, or 'last')", argCount: 1, apply: getIndex },
  length: { usage: 'length', argCount: 0, apply: length },
  type: { usage: 'type', argCount: 0, apply: type },
};

/**
 * Applies a filter (SPEC §5.8) to a value. `args` are the unescaped string forms of the arguments.
 * @example applyFilter('length', valueFromText('abc'), []).text // '3'
 */
export function applyFilter(name: string, input: ExpressionValue, args: readonly string[]): ExpressionValue {
  const spec = Object.hasOwn(FILTERS, name) ? FILTERS[name] : undefined;
  if (!spec) {
    throw createResolutionFailure(
      `filter "${name}" not found: available filters are ${Object.keys(FILTERS).join(', ')}`,
    );
  }
  if (args.length !== spec.argCount) {
    throw createEvaluationFailure(
      `filter ${name} takes ${spec.argCount === 0 ? 'no arguments' : `${spec.argCount} argument`}, got ${args.length}: write | ${spec.usage}`,
    );
  }
  return spec.apply(input, args);
}
