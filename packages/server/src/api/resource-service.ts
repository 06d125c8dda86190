import {
  type LanguageChecks,
  looksLikePath,
  type Resource,
  TracecheckError,
  type VariableSetValue,
} from '@tracecheck/core';
import { maskMonitorSecrets, sealMonitorSecrets } from '../monitors/monitor-secrets';
import type { SecretBox } from '../store/secret-box';
import {
  DEFAULT_PAGE_SIZE,
  type ListQuery,
  type Scope,
  type Store,
  type StoredResource,
} from '../store/store';
import type { DefinitionBody } from './api-route';
import { ACCEPTED_TYPES, MAX_PAGE_SIZE } from './api-schemas';
import { isSameJson } from './is-same-json';
import { readDefinitionBody } from './read-definition-body';
import { type ResourceKindInfo, SINGLETON_ID } from './resource-kinds';
import { maskVariableSetValues, sealVariableSetValues } from './variable-set-secrets';

type Spec = Record<string, unknown>;

/** A resource as the API answers it: the stored spec with the read-only fields, secrets masked. */
export interface ResourceView {
  readonly type: Resource['type'];
  readonly spec: Spec;
}

export interface ResourcePage {
  readonly count: number;
  readonly items: readonly ResourceView[];
}

/** How an apply treats the id (SPEC §1.3). */
type ApplyMode =
  /** `PUT /api/<plural>`: create, or update the resource of the same id. */
  | { readonly kind: 'upsert' }
  /** `POST /api/<plural>`: create; an id that exists is a conflict. */
  | { readonly kind: 'create' }
  /** `PUT /api/<plural>/<id>`: update that resource, which must exist. */
  | { readonly kind: 'update'; readonly id: string };

interface ApplyOutcome {
  readonly view: ResourceView;
  readonly created: boolean;
}

interface ResourceListOptions {
  readonly take?: number;
  readonly skip?: number;
  readonly sortBy?: 'createdAt' | 'created' | 'updatedAt' | 'name' | 'id' | 'last_run';
  readonly sortDirection?: 'asc' | 'desc';
  readonly query?: string;
  readonly all?: 'true' | 'false';
}

interface ResourceServiceDeps {
  readonly store: Store;
  readonly secretBox?: SecretBox;
  readonly generateId: () => string;
  readonly languageChecks?: LanguageChecks;
}

/** Fields the server owns (SPEC §1.3–§1.13 "read-only"): ignored on input, computed on output. */
const READ_ONLY_FIELDS = [
  'version',
  'createdAt',
  'updatedAt',
  'deletedAt',
  'summary',
  'fullSteps',
  'fullTests',
  'fullTestSuites',
] as const;

/** Fields whose change gives a test or suite a new version (SPEC §1.3); other changes keep it. */
const VERSIONED_FIELDS: Partial<Record<Resource['type'], readonly string[]>> = {
  Test: ['name', 'description', 'trigger', 'specs', 'outputs', 'skipTraceCollection'],
  TestSuite: ['name', 'description', 'steps'],
};

/** Ids end up in URL paths and CLI arguments: no slash, whitespace, `?`, `#`, `%` or control character. */
const ID_PATTERN = /^[^\s/\\?#%\p{Cc}]{1,128}$/u;

/** A reference to a missing resource, reported like a definition problem (without a line). */
interface ReferenceProblem {
  readonly severity: 'error';
  readonly code: 'INVALID_VALUE';
  readonly path: string;
  readonly message: string;
}

function iso(date: Date): string {
  return date.toISOString();
}

function notFound(info: ResourceKindInfo, id: string): TracecheckError {
  return new TracecheckError(
    'NOT_FOUND',
    info.singleton
      ? `${info.cliName} "${id}" not found: the ${info.cliName} is a singleton whose id is always "${SINGLETON_ID}"`
      : `${info.cliName} "${id}" not found in this environment: list them with \`tracecheck list ${info.cliName}\``,
    { kind: info.kind, id },
  );
}

function checkId(id: string): string {
  if (!ID_PATTERN.test(id)) {
    throw new TracecheckError(
      'REQUEST_INVALID',
      `the id ${JSON.stringify(id)} cannot be used: an id has 1 to 128 characters without spaces, "/", "\\", "?", "#" or "%" ` +
        '(leave it out and the server generates one)',
      { id },
    );
  }
  return id;
}

function withoutReadOnlyFields(spec: object): Spec {
  const copy: Spec = { ...spec };
  for (const field of READ_ONLY_FIELDS) delete copy[field];
  return copy;
}

function pick(spec: Spec, fields: readonly string[]): Spec {
  return Object.fromEntries(fields.map((field) => [field, spec[field]]));
}

function asValues(value: unknown): readonly VariableSetValue[] {
  return Array.isArray(value) ? (value as VariableSetValue[]) : [];
}

function scoreOf(linter: unknown): number {
  if (
    typeof linter === 'object' &&
    linter !== null &&
    'score' in linter &&
    typeof linter.score === 'number'
  ) {
    return linter.score;
  }
  return 0;
}

/** The spec a definition stores under the routes of `info`, converting the legacy `Environment`. */
function specForKind(info: ResourceKindInfo, resource: Resource): Spec {
  if (resource.type === info.kind) return { ...resource.spec };
  if (info.kind === 'VariableSet' && resource.type === 'Environment') {
    // An Environment without values is still a variable set on these routes (SPEC §1.2).
    const { id, name, description } = resource.spec;
    return { id, name: name ?? '', description, values: [] };
  }
  throw new TracecheckError(
    'REQUEST_INVALID',
    `cannot apply ${resource.type} to ${info.kind} resource: /api/${info.plural} takes a definition with type: ${ACCEPTED_TYPES[info.kind].join(' or ')}`,
    { expected: ACCEPTED_TYPES[info.kind], given: resource.type },
  );
}

/**
 * The resources of SPEC §1 over the store: definitions validated with the CLI's reader, ids generated,
 * singletons and their defaults, test versioning, secrets sealed and masked, computed summaries.
 */
export interface ResourceService {
  apply(
    scope: Scope,
    info: ResourceKindInfo,
    body: DefinitionBody<unknown>,
    mode: ApplyMode,
  ): Promise<ApplyOutcome>;
  get(scope: Scope, info: ResourceKindInfo, id: string): Promise<ResourceView>;
  list(scope: Scope, info: ResourceKindInfo, options: ResourceListOptions): Promise<ResourcePage>;
  /** Rejects with `NOT_FOUND` when there was nothing to delete; a singleton goes back to its default. */
  remove(scope: Scope, info: ResourceKindInfo, id: string): Promise<void>;
  getVersion(scope: Scope, info: ResourceKindInfo, id: string, version: number): Promise<Spec>;
  listVersions(scope: Scope, info: ResourceKindInfo, id: string): Promise<readonly Spec[]>;
}

export function createResourceService(deps: ResourceServiceDeps): ResourceService {
  const { store } = deps;

  async function generateFreeId(scope: Scope, info: ResourceKindInfo): Promise<string> {
    for (;;) {
      const id = deps.generateId();
      if ((await store.getResource(scope, info.kind, id)) === undefined) return id;
    }
  }

  async function resolveId(
    scope: Scope,
    info: ResourceKindInfo,
    spec: Spec,
    mode: ApplyMode,
  ): Promise<string> {
    const given = typeof spec.id === 'string' && spec.id !== '' ? spec.id : undefined;
    if (info.singleton) return SINGLETON_ID;
    if (mode.kind === 'update') {
      if (given !== undefined && given !== mode.id) {
        throw new TracecheckError(
          'REQUEST_INVALID',
          `the body has id "${given}" but the path names "${mode.id}": send the same id, or leave it out of the body`,
          { bodyId: given, pathId: mode.id },
        );
      }
      return checkId(mode.id);
    }
    return given === undefined ? generateFreeId(scope, info) : checkId(given);
  }

  async function checkReferences(scope: Scope, info: ResourceKindInfo, spec: Spec): Promise<void> {
    const problems: ReferenceProblem[] = [];
    const report = (path: string, message: string) =>
      problems.push({ severity: 'error', code: 'INVALID_VALUE', path, message });
    if (info.kind === 'Test' && typeof spec.pollingProfile === 'string') {
      const profile = spec.pollingProfile;
      if (looksLikePath(profile)) {
        report(
          'spec.pollingProfile',
          `"${profile}" is a file path: apply the test with the CLI, which applies that file and sends its id`,
        );
      } else if (profile !== SINGLETON_ID && !(await store.getResource(scope, 'PollingProfile', profile))) {
        report(
          'spec.pollingProfile',
          `polling profile "${profile}" does not exist in this environment: apply it first, or list them with \`tracecheck list pollingprofile\``,
        );
      }
    }
    if (info.kind === 'TestSuite' && Array.isArray(spec.steps)) {
      for (const [index, step] of (spec.steps as unknown[]).entries()) {
        if (typeof step !== 'string') continue;
        if (looksLikePath(step)) {
          report(
            `spec.steps[${index}]`,
            `"${step}" is a file path: apply the suite with the CLI, which applies that test file and sends its id`,
          );
        } else if (!(await store.getResource(scope, 'Test', step))) {
          report(
            `spec.steps[${index}]`,
            `test "${step}" does not exist in this environment: apply it first, or list tests with \`tracecheck list test\``,
          );
        }
      }
    }
    if (problems.length > 0) {
      throw new TracecheckError(
        'DEFINITION_INVALID',
        `the definition refers to what does not exist: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`,
        { problems },
      );
    }
  }

  /** Fills what the server keeps or seals: the stored gates of a TestRunner, secret values. */
  function completeSpec(scope: Scope, info: ResourceKindInfo, spec: Spec, existing: Spec | undefined): Spec {
    if (info.kind === 'TestRunner' && spec.requiredGates === undefined) {
      return { ...spec, requiredGates: existing?.requiredGates ?? info.defaultSpec?.requiredGates };
    }
    if (info.kind === 'VariableSet') {
      const values = sealVariableSetValues(
        scope,
        asValues(spec.values),
        asValues(existing?.values),
        deps.secretBox,
      );
      return { ...spec, values };
    }
    if (info.kind === 'Monitor') return sealMonitorSecrets(scope, spec, existing, deps.secretBox);
    return spec;
  }

  async function testSummary(scope: Scope, testId: string): Promise<Spec> {
    const page = await store.listRuns(scope, { testId, take: 1 });
    const last = page.items[0];
    return {
      runs: page.count,
      lastRun:
        last === undefined
          ? { time: null, passes: 0, fails: 0, analyzerScore: 0 }
          : {
              time: iso(last.createdAt),
              passes: last.passed,
              fails: last.failed,
              analyzerScore: scoreOf(last.linter),
            },
    };
  }

  async function suiteSummary(scope: Scope, suiteId: string): Promise<Spec> {
    const page = await store.listSuiteRuns(scope, { suiteId, take: 1 });
    const last = page.items[0];
    if (last === undefined) return { runs: 0, lastRun: { time: null, passes: 0, fails: 0 } };
    const steps = await Promise.all(last.stepRunIds.map((runId) => store.getRun(scope, runId)));
    let passes = 0;
    let fails = 0;
    for (const step of steps) {
      passes += step?.passed ?? 0;
      fails += step?.failed ?? 0;
    }
    return { runs: page.count, lastRun: { time: iso(last.createdAt), passes, fails } };
  }

  async function fullSteps(scope: Scope, steps: unknown): Promise<Spec[]> {
    if (!Array.isArray(steps)) return [];
    const tests = await Promise.all(
      steps.map((step) => (typeof step === 'string' ? store.getResource(scope, 'Test', step) : undefined)),
    );
    return tests
      .filter((test) => test !== undefined)
      .map((test) => ({ ...test.spec, version: test.version, createdAt: iso(test.createdAt) }));
  }

  async function viewOf(
    scope: Scope,
    info: ResourceKindInfo,
    stored: StoredResource<Spec>,
  ): Promise<ResourceView> {
    const spec = stored.spec;
    switch (info.kind) {
      case 'Test':
        return {
          type: info.kind,
          spec: {
            ...spec,
            version: stored.version,
            createdAt: iso(stored.createdAt),
            summary: await testSummary(scope, stored.id),
          },
        };
      case 'TestSuite':
        return {
          type: info.kind,
          spec: {
            ...spec,
            version: stored.version,
            createdAt: iso(stored.createdAt),
            summary: await suiteSummary(scope, stored.id),
            fullSteps: await fullSteps(scope, spec.steps),
          },
        };
      case 'Monitor': {
        const last = await store.monitors.listMonitorRuns(scope, stored.id, { take: 1 });
        const summary = {
          runs: last.count,
          lastState: last.items[0]?.state ?? null,
          lastRunTime: last.items[0] ? iso(last.items[0].createdAt) : null,
        };
        return {
          type: info.kind,
          spec: {
            ...maskMonitorSecrets(spec),
            createdAt: iso(stored.createdAt),
            updatedAt: iso(stored.updatedAt),
            summary,
          },
        };
      }
      case 'VariableSet':
        return Array.isArray(spec.values)
          ? { type: info.kind, spec: { ...spec, values: maskVariableSetValues(asValues(spec.values)) } }
          : { type: info.kind, spec };
      default:
        return { type: info.kind, spec };
    }
  }

  function defaultView(info: ResourceKindInfo, id: string): ResourceView | undefined {
    return info.defaultSpec !== undefined && id === SINGLETON_ID
      ? { type: info.kind, spec: { ...info.defaultSpec } }
      : undefined;
  }

  async function listStored(scope: Scope, info: ResourceKindInfo, query: ListQuery, all: boolean) {
    if (!all) return store.listResources<Spec>(scope, info.kind, query);
    const items: StoredResource<Spec>[] = [];
    for (;;) {
      const page = await store.listResources<Spec>(scope, info.kind, {
        ...query,
        take: MAX_PAGE_SIZE,
        skip: items.length,
      });
      items.push(...page.items);
      if (page.items.length < MAX_PAGE_SIZE || items.length >= page.count)
        return { count: page.count, items };
    }
  }

  async function listByLastRun(
    scope: Scope,
    info: ResourceKindInfo,
    options: ResourceListOptions,
  ): Promise<ResourcePage> {
    const query = options.query === undefined ? {} : { query: options.query };
    const every = await listStored(scope, info, query, true);
    const views = await Promise.all(every.items.map((item) => viewOf(scope, info, item)));
    const timeOf = (view: ResourceView): string => {
      const summary = view.spec.summary as { lastRun?: { time?: string | null } } | undefined;
      return summary?.lastRun?.time ?? '';
    };
    const sign = options.sortDirection === 'asc' ? 1 : -1;
    // ISO times of one format compare as text; never-run resources sort as the oldest.
    views.sort((a, b) => sign * (timeOf(a) < timeOf(b) ? -1 : timeOf(a) > timeOf(b) ? 1 : 0));
    const skip = options.all === 'true' ? 0 : (options.skip ?? 0);
    const take = options.all === 'true' ? views.length : (options.take ?? DEFAULT_PAGE_SIZE);
    return { count: every.count, items: views.slice(skip, skip + take) };
  }

  async function get(scope: Scope, info: ResourceKindInfo, id: string): Promise<ResourceView> {
    if (info.singleton && id !== SINGLETON_ID) throw notFound(info, id);
    const stored = await store.getResource<Spec>(scope, info.kind, id);
    if (stored !== undefined) return viewOf(scope, info, stored);
    const fallback = defaultView(info, id);
    if (fallback === undefined) throw notFound(info, id);
    return fallback;
  }

  return {
    get,

    async apply(scope, info, body, mode) {
      if (info.singleton && mode.kind === 'update' && mode.id !== SINGLETON_ID) throw notFound(info, mode.id);
      const resource = readDefinitionBody(body, deps.languageChecks);
      const given = specForKind(info, resource);
      const id = await resolveId(scope, info, given, mode);
      const existing = await store.getResource<Spec>(scope, info.kind, id);
      if (mode.kind === 'create' && existing !== undefined) {
        throw new TracecheckError(
          'CONFLICT',
          `${info.cliName} "${id}" already exists: update it with PUT /api/${info.plural}/${id}, or apply with PUT /api/${info.plural}`,
          { kind: info.kind, id },
        );
      }
      if (
        mode.kind === 'update' &&
        existing === undefined &&
        !info.singleton &&
        defaultView(info, id) === undefined
      ) {
        throw notFound(info, id);
      }
      const spec = completeSpec(scope, info, { ...withoutReadOnlyFields(given), id }, existing?.spec);
      await checkReferences(scope, info, spec);
      const versionedFields = VERSIONED_FIELDS[info.kind];
      const versioned =
        versionedFields !== undefined &&
        (existing === undefined ||
          !isSameJson(pick(existing.spec, versionedFields), pick(spec, versionedFields)));
      const outcome = await store.upsertResource(scope, info.kind, id, spec, { versioned });
      return { view: await viewOf(scope, info, outcome.resource), created: outcome.created };
    },

    async list(scope, info, options) {
      if (info.singleton) {
        const view = await get(scope, info, SINGLETON_ID);
        const skip = options.all === 'true' ? 0 : (options.skip ?? 0);
        const take = options.all === 'true' ? 1 : (options.take ?? DEFAULT_PAGE_SIZE);
        return { count: 1, items: skip === 0 && take > 0 ? [view] : [] };
      }
      if (options.sortBy === 'last_run') return listByLastRun(scope, info, options);
      const query: ListQuery = {
        ...(options.take === undefined ? {} : { take: options.take }),
        ...(options.skip === undefined ? {} : { skip: options.skip }),
        ...(options.sortBy === undefined
          ? {}
          : { sortBy: options.sortBy === 'created' ? 'createdAt' : options.sortBy }),
        ...(options.sortDirection === undefined ? {} : { sortDirection: options.sortDirection }),
        ...(options.query === undefined ? {} : { query: options.query }),
      };
      const page = await listStored(scope, info, query, options.all === 'true');
      const fallback = defaultView(info, SINGLETON_ID);
      if (page.count === 0 && fallback !== undefined && options.query === undefined) {
        // The built-in polling profile is listed until one is stored.
        return { count: 1, items: (options.skip ?? 0) === 0 && options.take !== 0 ? [fallback] : [] };
      }
      return {
        count: page.count,
        items: await Promise.all(page.items.map((item) => viewOf(scope, info, item))),
      };
    },

    async remove(scope, info, id) {
      if (info.singleton && id !== SINGLETON_ID) throw notFound(info, id);
      const deleted = await store.deleteResource(scope, info.kind, id);
      if (!deleted && !info.singleton) throw notFound(info, id);
    },

    async getVersion(scope, info, id, version) {
      const stored = await store.getResource<Spec>(scope, info.kind, id, version);
      if (stored === undefined) {
        const versions = await store.listResourceVersions<Spec>(scope, info.kind, id);
        const last = versions.at(-1);
        throw new TracecheckError(
          'NOT_FOUND',
          last === undefined
            ? `${info.cliName} "${id}" not found in this environment: list them with \`tracecheck list ${info.cliName}\``
            : `${info.cliName} "${id}" has no version ${version}: its versions are 1 to ${last.version}`,
          { kind: info.kind, id, version },
        );
      }
      return { ...stored.spec, version: stored.version, createdAt: iso(stored.updatedAt) };
    },

    async listVersions(scope, info, id) {
      const versions = await store.listResourceVersions<Spec>(scope, info.kind, id);
      if (versions.length === 0) throw notFound(info, id);
      return versions.map((stored) => ({
        ...stored.spec,
        version: stored.version,
        createdAt: iso(stored.updatedAt),
      }));
    },
  };
}
