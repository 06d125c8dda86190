import { isMap, isScalar } from 'yaml';
import type { LanguageChecks } from './problem';
import { readTrigger } from './read-trigger';
import type { TestDefinitionSpec, TestOutput, TestSpec, TestSuiteSpec, VariableSetSpec } from './resource';
import { locateScalarIndex } from './scalar-offsets';
import {
  type Field,
  type MapReader,
  type ReadContext,
  readItems,
  readText,
  readWantedName,
  report,
  withoutUndefined,
} from './yaml-reader';

type LanguageKind = keyof LanguageChecks;

/** Runs a language check on a text read from `field` and places its error inside the YAML scalar. */
function checkLanguage(ctx: ReadContext, field: Field, text: string, kind: LanguageKind): void {
  const check = ctx.languageChecks?.[kind];
  const error = check?.(text);
  if (!error) return;
  const offset = isScalar(field.node)
    ? locateScalarIndex(ctx.text, field.node, error.column - 1)
    : field.offset;
  report(
    ctx,
    error.severity ?? 'error',
    kind === 'selector' ? 'SELECTOR_SYNTAX' : 'EXPRESSION_SYNTAX',
    error.message,
    field.path,
    offset,
  );
}

/** `selector:` as text, or the legacy object `{query: …}` of which only `query` matters. */
function readSelector(ctx: ReadContext, m: MapReader): { text: string; field: Field } | undefined {
  const field = m.field('selector');
  if (!field) {
    m.missing('selector', 'write selector: "" to select every span');
    return undefined;
  }
  if (!isMap(field.node)) {
    const text = readText(ctx, field);
    return text === undefined ? undefined : { text, field };
  }
  report(
    ctx,
    'warning',
    'LEGACY_SHAPE',
    'the legacy selector object {query: …} is read as its query text; write selector: <query>',
    field.path,
    field.offset,
  );
  const object = m.mapping('selector');
  const query = object?.field('query');
  object?.accept('structure');
  if (!query) {
    object?.missing('query');
    return undefined;
  }
  const text = readText(ctx, query);
  return text === undefined ? undefined : { text, field: query };
}

function readAssertions(ctx: ReadContext, m: MapReader): string[] {
  const items = m.items('assertions', { required: true }) ?? [];
  const assertions: string[] = [];
  for (const item of items) {
    const text = readText(ctx, item);
    if (text === undefined) continue;
    checkLanguage(ctx, item, text, 'statement');
    assertions.push(text);
  }
  return assertions;
}

function readSpecs(ctx: ReadContext, spec: MapReader): TestSpec[] {
  const field = spec.field('specs');
  if (!field) return [];
  const specs: TestSpec[] = [];
  if (isMap(field.node)) {
    report(
      ctx,
      'warning',
      'LEGACY_SHAPE',
      'specs written as a mapping {<selector>: {assertions}} are read as a list; write a list of {selector, assertions}',
      field.path,
      spec.keyOffset('specs'),
    );
    const byKey = spec.mapping('specs');
    for (const selector of byKey?.keys() ?? []) {
      const keyField = byKey!.keyField(selector);
      if (keyField && selector !== '') checkLanguage(ctx, keyField, selector, 'selector');
      const entry = byKey!.mapping(selector, { required: true });
      if (!entry) continue;
      const name = entry.string('name');
      const assertions = readAssertions(ctx, entry);
      entry.finish();
      specs.push(withoutUndefined({ selector, name, assertions }));
    }
    return specs;
  }
  for (const item of readItems(ctx, field) ?? []) {
    const entry = spec.sub(item);
    if (!entry) continue;
    const selector = readSelector(ctx, entry);
    if (selector && selector.text !== '') checkLanguage(ctx, selector.field, selector.text, 'selector');
    const name = entry.string('name');
    const assertions = readAssertions(ctx, entry);
    entry.finish();
    specs.push(withoutUndefined({ selector: selector?.text ?? '', name, assertions }));
  }
  return specs;
}

function readOutput(ctx: ReadContext, entry: MapReader, name: string): TestOutput {
  const selector = readSelector(ctx, entry);
  if (selector?.text === '') {
    report(
      ctx,
      'warning',
      'INVALID_VALUE',
      "an empty selector selects every span, so the output reads the first one (the trigger span); Tracetest's API rejects it",
      selector.field.path,
      selector.field.offset,
    );
  } else if (selector) {
    checkLanguage(ctx, selector.field, selector.text, 'selector');
  }
  const valueField = entry.fieldOrAlias(
    'value',
    'expression',
    'an alias shown in old docs; Tracetest ignores it',
  );
  if (!valueField) entry.missing('value', 'expected an expression such as attr:http.status_code');
  const value = (valueField && readText(ctx, valueField)) ?? '';
  if (valueField && value !== '') checkLanguage(ctx, valueField, value, 'expression');
  entry.finish();
  return { name, selector: selector?.text ?? '', value };
}

function readOutputs(ctx: ReadContext, spec: MapReader): TestOutput[] {
  const field = spec.field('outputs');
  if (!field) return [];
  const outputs: TestOutput[] = [];
  if (isMap(field.node)) {
    report(
      ctx,
      'warning',
      'LEGACY_SHAPE',
      'outputs written as a mapping {<NAME>: {selector, value}} are read as a list; write a list of {name, selector, value}',
      field.path,
      spec.keyOffset('outputs'),
    );
    const byName = spec.mapping('outputs');
    for (const name of byName?.keys() ?? []) {
      const entry = byName!.mapping(name, { required: true });
      if (entry) outputs.push(readOutput(ctx, entry, name));
    }
    return outputs;
  }
  for (const item of readItems(ctx, field) ?? []) {
    const entry = spec.sub(item);
    if (!entry) continue;
    const name = entry.string('name', { required: 'non-empty' }) ?? '';
    outputs.push(readOutput(ctx, entry, name));
  }
  return outputs;
}

/** Reads the `spec` of a `Test` (SPEC §1.4). */
export function readTestSpec(ctx: ReadContext, spec: MapReader): TestDefinitionSpec | undefined {
  const id = spec.string('id');
  const name = readWantedName(spec, 'test');
  const description = spec.string('description') ?? '';
  const triggerField = spec.field('trigger');
  if (!triggerField)
    spec.missing('trigger', 'add e.g. trigger: {type: http, httpRequest: {method: GET, url: …}}');
  const trigger = triggerField && readTrigger(ctx, triggerField);
  const specs = readSpecs(ctx, spec);
  const outputs = readOutputs(ctx, spec);
  const skipTraceCollection = spec.boolean('skipTraceCollection') ?? false;
  const pollingProfile = spec.string('pollingProfile');
  const version = spec.integer('version', { min: 1 });
  const createdAt = spec.date('createdAt');
  spec.accept('summary');
  spec.finish();
  if (!trigger) return undefined;
  return withoutUndefined({
    id,
    name,
    description,
    trigger,
    specs,
    outputs,
    skipTraceCollection,
    pollingProfile,
    version,
    createdAt,
  });
}

/** Reads the `spec` of a `TestSuite` or legacy `Transaction` (SPEC §1.5). */
export function readTestSuiteSpec(ctx: ReadContext, spec: MapReader): TestSuiteSpec {
  const id = spec.string('id');
  const name = readWantedName(spec, 'test suite');
  const description = spec.string('description');
  const steps: string[] = [];
  for (const item of spec.items('steps', { required: true }) ?? []) {
    const text = readText(ctx, item);
    if (text === '') {
      report(
        ctx,
        'error',
        'REQUIRED_FIELD',
        'a step must be a test id or a file path such as ./test.yaml',
        item.path,
        item.offset,
      );
    } else if (text !== undefined) steps.push(text);
  }
  const version = spec.integer('version', { min: 1 });
  const createdAt = spec.date('createdAt');
  spec.accept('summary', 'fullSteps');
  const env = spec.field('env');
  if (env) {
    report(
      ctx,
      'warning',
      'IGNORED_FIELD',
      'the legacy "env" map of a suite is ignored; pass variables with --vars or a VariableSet',
      env.path,
      spec.keyOffset('env'),
    );
  }
  spec.finish();
  return withoutUndefined({ id, name, description, steps, version, createdAt });
}

/** Reads the `spec` of a `VariableSet` or legacy `Environment` with values (SPEC §1.6). */
export function readVariableSetSpec(ctx: ReadContext, spec: MapReader): VariableSetSpec {
  const id = spec.string('id');
  const name = spec.string('name', { required: 'non-empty' }) ?? '';
  const description = spec.string('description');
  const valuesField = spec.field('values');
  let values: VariableSetSpec['values'];
  if (valuesField) {
    values = (readItems(ctx, valuesField) ?? []).flatMap((item) => {
      const entry = spec.sub(item);
      if (!entry) return [];
      const key = entry.string('key', { required: 'non-empty' }) ?? '';
      const value = entry.string('value') ?? '';
      const type = entry.oneOf('type', ['raw', 'secret'] as const) ?? 'raw';
      entry.finish();
      return [{ key, value, type }];
    });
  }
  spec.finish();
  return withoutUndefined({ id, name, description, values });
}
