import { looksLikePath } from './definition-text';
import type { Resource, TestDefinitionSpec } from './resource';
import type { Trigger } from './trigger';

/**
 * A value the CLI resolves from a file before sending a resource (SPEC §9.6).
 * `inline`: replaced by the file's content when the file exists (kept as literal text otherwise).
 * `apply`: the file is applied as a resource of `expectedType` and the value replaced by its id.
 */
export type FileReference =
  | {
      readonly action: 'inline';
      /** YAML path of the value, e.g. `spec.trigger.grpc.protobufFile`. */
      readonly path: string;
      /** The path as written: relative to the definition file's folder, or absolute. */
      readonly filePath: string;
    }
  | {
      readonly action: 'apply';
      /** YAML path of the value, e.g. `spec.steps[0]`. */
      readonly path: string;
      readonly filePath: string;
      readonly expectedType: 'Test' | 'TestSuite' | 'PollingProfile';
    };

type Replace = (reference: FileReference) => string | undefined;

function replaceInline(path: string, value: string | undefined, replace: Replace): string | undefined {
  if (value === undefined || !looksLikePath(value)) return value;
  return replace({ action: 'inline', path, filePath: value }) ?? value;
}

function replaceApplied(
  path: string,
  value: string,
  expectedType: 'Test' | 'TestSuite' | 'PollingProfile',
  replace: Replace,
): string {
  if (!looksLikePath(value)) return value;
  return replace({ action: 'apply', path, filePath: value, expectedType }) ?? value;
}

function replaceInTrigger(trigger: Trigger, replace: Replace): Trigger {
  const base = 'spec.trigger';
  switch (trigger.type) {
    case 'http': {
      const body = replaceInline(`${base}.httpRequest.body`, trigger.httpRequest.body, replace) ?? '';
      return { ...trigger, httpRequest: { ...trigger.httpRequest, body } };
    }
    case 'grpc': {
      const path = `${base}.grpc.protobufFile`;
      const protobufFile = replaceInline(path, trigger.grpc.protobufFile, replace) ?? '';
      return { ...trigger, grpc: { ...trigger.grpc, protobufFile } };
    }
    case 'playwrightengine': {
      const script =
        replaceInline(`${base}.playwrightEngine.script`, trigger.playwrightEngine.script, replace) ?? '';
      return { ...trigger, playwrightEngine: { ...trigger.playwrightEngine, script } };
    }
    case 'graphql': {
      const { graphql } = trigger;
      const query = replaceInline(`${base}.graphql.body.query`, graphql.body?.query, replace);
      const schema = replaceInline(`${base}.graphql.schema`, graphql.schema, replace);
      return {
        ...trigger,
        graphql: {
          ...graphql,
          ...(graphql.body && query !== undefined ? { body: { ...graphql.body, query } } : {}),
          ...(schema === undefined ? {} : { schema }),
        },
      };
    }
    default:
      return trigger;
  }
}

function replaceInTest(spec: TestDefinitionSpec, replace: Replace): TestDefinitionSpec {
  const trigger = replaceInTrigger(spec.trigger, replace);
  if (spec.pollingProfile === undefined) return { ...spec, trigger };
  const pollingProfile = replaceApplied(
    'spec.pollingProfile',
    spec.pollingProfile,
    'PollingProfile',
    replace,
  );
  return { ...spec, trigger, pollingProfile };
}

function replaceInList(
  key: string,
  values: readonly string[],
  expectedType: 'Test' | 'TestSuite',
  replace: Replace,
): string[] {
  return values.map((value, i) => replaceApplied(`spec.${key}[${i}]`, value, expectedType, replace));
}

/**
 * A copy of `resource` where each file reference (see `collectFileReferences`) is replaced by what
 * `replace` returns; a reference for which it returns `undefined` is kept as written.
 * @example replaceFileReferences(suite, (ref) => appliedIds.get(ref.filePath))
 */
export function replaceFileReferences(resource: Resource, replace: Replace): Resource {
  switch (resource.type) {
    case 'Test':
      return { ...resource, spec: replaceInTest(resource.spec, replace) };
    case 'TestSuite':
      return {
        ...resource,
        spec: { ...resource.spec, steps: replaceInList('steps', resource.spec.steps, 'Test', replace) },
      };
    case 'Monitor': {
      const { tests, testSuites } = resource.spec;
      return {
        ...resource,
        spec: {
          ...resource.spec,
          ...(tests ? { tests: replaceInList('tests', tests, 'Test', replace) } : {}),
          ...(testSuites
            ? { testSuites: replaceInList('testSuites', testSuites, 'TestSuite', replace) }
            : {}),
        },
      };
    }
    default:
      return resource;
  }
}

/**
 * The values the CLI must resolve from files before sending `resource` (SPEC §9.6): paths (`./`, `../`,
 * `/`) in `grpc.protobufFile`, `httpRequest.body`, `playwrightEngine.script`, `graphql.body.query` and
 * `graphql.schema` (inlined), and in `pollingProfile`, suite `steps`, monitor `tests` and `testSuites`
 * (applied, then replaced by ids).
 * @example collectFileReferences(suite) // [{ action: 'apply', path: 'spec.steps[0]', filePath: './t.yaml', expectedType: 'Test' }]
 */
export function collectFileReferences(resource: Resource): FileReference[] {
  const references: FileReference[] = [];
  replaceFileReferences(resource, (reference) => {
    references.push(reference);
    return undefined;
  });
  return references;
}
