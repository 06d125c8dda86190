import { type Document, isMap, isScalar, LineCounter, parseAllDocuments } from 'yaml';
import type { LanguageChecks, Problem } from './problem';
import {
  readEnvironmentSpec,
  readEnvironmentTokenSpec,
  readInviteSpec,
  readMonitorSpec,
} from './read-commercial';
import {
  readAnalyzerSpec,
  readConfigSpec,
  readDataStoreSpec,
  readDemoSpec,
  readPollingProfileSpec,
  readTestRunnerSpec,
} from './read-settings';
import { readTestSpec, readTestSuiteSpec, readVariableSetSpec } from './read-test';
import { type LegacyResourceType, RESOURCE_TYPES, type Resource, type ResourceType } from './resource';
import { MapReader, type ReadContext, readText, report } from './yaml-reader';

export interface ParseDefinitionOptions {
  /** Copied into every problem, for reports that cover several files. */
  readonly fileName?: string;
  /** Language checkers applied to selectors, assertions and output values. */
  readonly languageChecks?: LanguageChecks;
}

/** The outcome of reading one definition document. */
export interface ParsedDefinition {
  /** The typed resource; `undefined` whenever `problems` holds an error. */
  readonly resource: Resource | undefined;
  /** Every problem of the document (errors and warnings), in text order. */
  readonly problems: readonly Problem[];
  /** Set when the document used a legacy kind that was converted (`Transaction`, `Environment` with values). */
  readonly originalType?: LegacyResourceType;
}

function isEmptyDocument(doc: Document.Parsed): boolean {
  if (doc.errors.length > 0) return false;
  const contents = doc.contents;
  return contents === null || (isScalar(contents) && contents.value === null);
}

function readSpec(ctx: ReadContext, type: ResourceType, spec: MapReader): Resource | undefined {
  switch (type) {
    case 'Test': {
      const testSpec = readTestSpec(ctx, spec);
      return testSpec && { type, spec: testSpec };
    }
    case 'TestSuite':
      return { type, spec: readTestSuiteSpec(ctx, spec) };
    case 'VariableSet':
      return { type, spec: readVariableSetSpec(ctx, spec) };
    case 'PollingProfile': {
      const profile = readPollingProfileSpec(ctx, spec);
      return profile && { type, spec: profile };
    }
    case 'DataStore': {
      const dataStore = readDataStoreSpec(ctx, spec);
      return dataStore && { type, spec: dataStore };
    }
    case 'Analyzer':
      return { type, spec: readAnalyzerSpec(ctx, spec) };
    case 'Config':
      return { type, spec: readConfigSpec(ctx, spec) };
    case 'Demo': {
      const demo = readDemoSpec(ctx, spec);
      return demo && { type, spec: demo };
    }
    case 'TestRunner':
      return { type, spec: readTestRunnerSpec(ctx, spec) };
    case 'Monitor':
      return { type, spec: readMonitorSpec(ctx, spec) };
    case 'EnvironmentToken':
      return { type, spec: readEnvironmentTokenSpec(spec) };
    case 'Invite':
      return { type, spec: readInviteSpec(ctx, spec) };
    case 'Environment':
      return { type, spec: readEnvironmentSpec(spec) };
  }
}

/** Resolves `type:` to a kind, converting the legacy kinds with a warning. */
function resolveKind(
  ctx: ReadContext,
  root: MapReader,
): { type: ResourceType; originalType?: LegacyResourceType } | undefined {
  const field = root.field('type');
  if (!field) {
    root.missing('type', `expected one of ${RESOURCE_TYPES.join(', ')}`);
    return undefined;
  }
  const text = readText(ctx, field);
  if (text === undefined) return undefined;
  if (text === 'Transaction') {
    report(
      ctx,
      'warning',
      'LEGACY_KIND',
      'Transaction is the legacy name of TestSuite and is read as one; write type: TestSuite',
      field.path,
      field.offset,
    );
    return { type: 'TestSuite', originalType: 'Transaction' };
  }
  const specNode = root.field('spec')?.node;
  if (text === 'Environment' && isMap(specNode) && specNode.has('values')) {
    report(
      ctx,
      'warning',
      'LEGACY_KIND',
      'an Environment with values is the legacy name of VariableSet and is read as one; write type: VariableSet',
      field.path,
      field.offset,
    );
    return { type: 'VariableSet', originalType: 'Environment' };
  }
  const type = RESOURCE_TYPES.find((t) => t === text);
  if (type !== undefined) return { type };
  const sameLetters = RESOURCE_TYPES.find((t) => t.toLowerCase() === text.toLowerCase());
  report(
    ctx,
    'error',
    'UNKNOWN_KIND',
    sameLetters === undefined
      ? `${JSON.stringify(text)} is not a resource kind: expected one of ${RESOURCE_TYPES.join(', ')}, Transaction`
      : `${JSON.stringify(text)} is not a resource kind: kinds are case-sensitive, write ${sameLetters}`,
    field.path,
    field.offset,
  );
  return undefined;
}

function readDocument(
  text: string,
  doc: Document.Parsed,
  lineCounter: LineCounter,
  options: ParseDefinitionOptions,
): ParsedDefinition {
  const ctx: ReadContext = {
    text,
    doc,
    lineCounter,
    problems: [],
    file: options.fileName,
    languageChecks: options.languageChecks,
  };
  for (const error of doc.errors) {
    report(ctx, 'error', 'YAML_SYNTAX', error.message, '', error.pos[0]);
  }
  for (const warning of doc.warnings) {
    report(ctx, 'warning', 'YAML_SYNTAX', warning.message, '', warning.pos[0]);
  }
  let resource: Resource | undefined;
  let originalType: LegacyResourceType | undefined;
  const contents = doc.contents;
  const start = doc.range[0];
  if (!isMap(contents)) {
    if (doc.errors.length === 0) {
      report(
        ctx,
        'error',
        'WRONG_TYPE',
        'a definition is a mapping with "type:" (e.g. Test) and "spec:"',
        '',
        contents?.range?.[0] ?? start,
      );
    }
  } else {
    const root = new MapReader(ctx, contents, '', contents.range?.[0] ?? start, false);
    const kind = resolveKind(ctx, root);
    const specField = root.field('spec');
    if (!specField) root.missing('spec', 'expected the mapping that describes the resource');
    const spec = specField && root.mapping('spec');
    if (kind && spec) {
      resource = readSpec(ctx, kind.type, spec);
      originalType = kind.originalType;
    }
    root.finish();
  }
  const problems = [...ctx.problems].sort((a, b) => a.line - b.line || a.column - b.column);
  const valid = !problems.some((p) => p.severity === 'error');
  return {
    resource: valid ? resource : undefined,
    problems,
    ...(originalType === undefined ? {} : { originalType }),
  };
}

function parseStream(text: string) {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter, prettyErrors: false });
  // The yaml package returns an `EmptyStream` (not an array of documents) when the text has none.
  const all = Array.isArray(docs) ? docs : [];
  return { lineCounter, documents: all.filter((doc) => !isEmptyDocument(doc)) };
}

/**
 * Reads one definition file (SPEC §1): every problem is reported at once with its YAML path, line and
 * column, and the resource is returned only when there is no error. `apply` and `run` files hold one
 * document; use `parseDefinitions` for provisioning streams.
 * @example parseDefinition('type: Config\nspec:\n  analyticsEnabled: false\n').resource
 * // { type: 'Config', spec: { analyticsEnabled: false } }
 */
export function parseDefinition(text: string, options: ParseDefinitionOptions = {}): ParsedDefinition {
  const { lineCounter, documents } = parseStream(text);
  const [first, second] = documents;
  if (!first) {
    const problem: Problem = {
      severity: 'error',
      code: 'DOCUMENT_COUNT',
      message: 'the text holds no YAML document: a definition starts with "type:" and "spec:"',
      path: '',
      line: 1,
      column: 1,
      ...(options.fileName === undefined ? {} : { file: options.fileName }),
    };
    return { resource: undefined, problems: [problem] };
  }
  const parsed = readDocument(text, first, lineCounter, options);
  if (!second) return parsed;
  const { line, col } = lineCounter.linePos(second.range[0]);
  const problem: Problem = {
    severity: 'error',
    code: 'DOCUMENT_COUNT',
    message: `the text holds ${documents.length} YAML documents but a definition file holds one; split it into one file per resource (several documents are read only as a provisioning stream)`,
    path: '',
    line,
    column: col,
    ...(options.fileName === undefined ? {} : { file: options.fileName }),
  };
  return { ...parsed, resource: undefined, problems: [...parsed.problems, problem] };
}

/**
 * Reads a multi-document stream (documents separated by `---`), as used for server provisioning
 * (SPEC §1.14) and printed by `get`/`export`: one result per non-empty document, lines counted in the
 * whole text.
 */
export function parseDefinitions(text: string, options: ParseDefinitionOptions = {}): ParsedDefinition[] {
  const { lineCounter, documents } = parseStream(text);
  return documents.map((doc) => readDocument(text, doc, lineCounter, options));
}
