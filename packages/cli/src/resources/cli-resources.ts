import { TracecheckError } from '@tracecheck/core';

/** A column of `list` / `get -o pretty`: a header and how to read it from a spec. */
export interface TableColumn {
  readonly header: string;
  readonly value: (
    spec: Readonly<Record<string, unknown>>,
    context: { readonly serverUrl: string },
  ) => string;
}

/** A resource the CLI's apply/get/list/delete/export commands address (SPEC §1.2, §9.2). */
export interface CliResource {
  /** The canonical CLI name: `tracecheck get testsuite`. */
  readonly name: string;
  /** Every other accepted spelling (plurals, legacy names). */
  readonly aliases: readonly string[];
  /** The `type:` of its documents. */
  readonly type: string;
  /** Other `type:` values `apply` accepts for it (legacy kinds converted by the definition reader). */
  readonly legacyTypes?: readonly string[];
  /** The path under `/api` (Appendix A). */
  readonly plural: string;
  /** One resource with id `current` (SPEC §1.3). */
  readonly singleton?: boolean;
  /** API objects that cannot be applied from a file. */
  readonly readOnly?: boolean;
  readonly columns: readonly TableColumn[];
}

function text(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/** A column reading `spec[path[0]][path[1]]…` as text. */
export const field = (header: string, ...path: string[]): TableColumn => ({
  header,
  value: (spec) => {
    let current: unknown = spec;
    for (const key of path) {
      current =
        current && typeof current === 'object' ? (current as Record<string, unknown>)[key] : undefined;
    }
    return text(current);
  },
});

const count = (header: string, key: string): TableColumn => ({
  header,
  value: (spec) => {
    const list = spec[key];
    return Array.isArray(list) ? String(list.length) : '0';
  },
});

const ID = field('ID', 'id');
const NAME = field('NAME', 'name');
const RUN_SUMMARY: readonly TableColumn[] = [
  field('RUNS', 'summary', 'runs'),
  field('LAST RUN TIME', 'summary', 'lastRun', 'time'),
  field('LAST RUN SUCCESSES', 'summary', 'lastRun', 'passes'),
  field('LAST RUN FAILURES', 'summary', 'lastRun', 'fails'),
];
const url = (segment: string): TableColumn => ({
  header: 'URL',
  value: (spec, { serverUrl }) => `${serverUrl}/${segment}/${encodeURIComponent(text(spec.id))}`,
});

/** Every resource of SPEC §1.2 the server serves, in that order. */
export const CLI_RESOURCES: readonly CliResource[] = [
  {
    name: 'test',
    aliases: ['tests'],
    type: 'Test',
    plural: 'tests',
    columns: [
      ID,
      NAME,
      field('VERSION', 'version'),
      field('TRIGGER TYPE', 'trigger', 'type'),
      ...RUN_SUMMARY,
      url('test'),
    ],
  },
  {
    name: 'testsuite',
    aliases: ['testsuites', 'transaction', 'transactions'],
    type: 'TestSuite',
    legacyTypes: ['Transaction'],
    plural: 'testsuites',
    columns: [
      ID,
      NAME,
      field('VERSION', 'version'),
      count('STEPS', 'steps'),
      ...RUN_SUMMARY,
      url('testsuite'),
    ],
  },
  {
    name: 'variableset',
    aliases: ['variablesets'],
    type: 'VariableSet',
    legacyTypes: ['Environment'],
    plural: 'variablesets',
    columns: [ID, NAME, field('DESCRIPTION', 'description'), count('VALUES', 'values')],
  },
  {
    name: 'pollingprofile',
    aliases: ['pollingprofiles'],
    type: 'PollingProfile',
    plural: 'pollingprofiles',
    columns: [ID, NAME, field('STRATEGY', 'strategy'), field('DEFAULT', 'default')],
  },
  {
    name: 'datastore',
    aliases: ['datastores'],
    type: 'DataStore',
    plural: 'datastores',
    columns: [ID, NAME, field('TYPE', 'type'), field('DEFAULT', 'default')],
  },
  {
    name: 'analyzer',
    aliases: ['analyzers'],
    type: 'Analyzer',
    plural: 'analyzers',
    singleton: true,
    columns: [ID, NAME, field('ENABLED', 'enabled'), field('MINIMUM SCORE', 'minimumScore')],
  },
  {
    name: 'config',
    aliases: ['configs'],
    type: 'Config',
    plural: 'configs',
    singleton: true,
    columns: [ID, NAME, field('ANALYTICS ENABLED', 'analyticsEnabled')],
  },
  {
    name: 'demo',
    aliases: ['demos'],
    type: 'Demo',
    plural: 'demos',
    columns: [ID, NAME, field('TYPE', 'type'), field('ENABLED', 'enabled')],
  },
  {
    name: 'testrunner',
    aliases: ['testrunners'],
    type: 'TestRunner',
    plural: 'testrunners',
    singleton: true,
    columns: [
      ID,
      NAME,
      {
        header: 'REQUIRED GATES',
        value: (spec) => (Array.isArray(spec.requiredGates) ? spec.requiredGates.join(', ') : ''),
      },
    ],
  },
  {
    name: 'monitor',
    aliases: ['monitors'],
    type: 'Monitor',
    plural: 'monitors',
    columns: [
      ID,
      NAME,
      field('ENABLED', 'enabled'),
      field('SCHEDULE', 'schedule', 'cron'),
      count('TESTS', 'tests'),
      count('SUITES', 'testSuites'),
    ],
  },
];

/** Levenshtein distance, for "did you mean". */
export function editDistance(a: string, b: string): number {
  const previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = previous[0]!;
    previous[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = previous[j]!;
      previous[j] = Math.min(above + 1, previous[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return previous[b.length]!;
}

/** Every accepted spelling, canonical names first. */
export function resourceNames(resources: readonly CliResource[] = CLI_RESOURCES): string[] {
  return [...resources.map((r) => r.name), ...resources.flatMap((r) => r.aliases)];
}

/**
 * The resource a CLI name (any case, singular or plural, legacy alias) addresses; a misspelled name
 * fails with the closest names ("did you mean testsuite?").
 * @example findCliResource('Tests').plural // 'tests'
 */
export function findCliResource(
  name: string,
  resources: readonly CliResource[] = CLI_RESOURCES,
): CliResource {
  const wanted = name.toLowerCase();
  const found = resources.find((r) => r.name === wanted || r.aliases.includes(wanted));
  if (found) return found;
  const scored = resources
    .map((r) => ({ r, distance: Math.min(...[r.name, ...r.aliases].map((n) => editDistance(wanted, n))) }))
    .sort((a, b) => a.distance - b.distance);
  const best = scored[0];
  const threshold = Math.max(2, Math.floor(wanted.length / 3));
  const suggestion = best && best.distance <= threshold ? ` Did you mean "${best.r.name}"?` : '';
  throw new TracecheckError(
    'REQUEST_INVALID',
    `unknown resource "${name}".${suggestion} Resources: ${resources.map((r) => r.name).join(', ')}`,
  );
}
