import { DEFAULT_ANALYZER_CONFIG, DEFAULT_REQUIRED_GATES } from '@tracecheck/core';
import type { ResourceKind } from '../store/store';

/** The id of every singleton (SPEC §1.3) and of the built-in polling profile. */
export const SINGLETON_ID = 'current';

/** How the API serves one resource kind (SPEC §1.2, Appendix A). */
export interface ResourceKindInfo {
  readonly kind: ResourceKind;
  /** The path segment under `/api`: the lower-case plural of Appendix A. */
  readonly plural: string;
  /** Legacy path segments served by the same routes (`transactions`, `environments`). */
  readonly legacyPlurals: readonly string[];
  /** The name the CLI uses (`tracecheck get testsuite`), for messages. */
  readonly cliName: string;
  /** Config, Analyzer and TestRunner: one resource with id `current`; an id given on input is replaced. */
  readonly singleton: boolean;
  /** Tests and suites get a new version when their content changes (SPEC §1.3). */
  readonly versioned: boolean;
  /** What a read of `current` answers while nothing was stored (SPEC §1.7, §1.9, §1.10, §1.12). */
  readonly defaultSpec?: Readonly<Record<string, unknown>>;
}

/** Every kind the API serves, in the order of SPEC §1.2. */
export const RESOURCE_KINDS: readonly ResourceKindInfo[] = [
  { kind: 'Test', plural: 'tests', legacyPlurals: [], cliName: 'test', singleton: false, versioned: true },
  {
    kind: 'TestSuite',
    plural: 'testsuites',
    legacyPlurals: ['transactions'],
    cliName: 'testsuite',
    singleton: false,
    versioned: true,
  },
  {
    kind: 'VariableSet',
    plural: 'variablesets',
    legacyPlurals: ['environments'],
    cliName: 'variableset',
    singleton: false,
    versioned: false,
  },
  {
    kind: 'PollingProfile',
    plural: 'pollingprofiles',
    legacyPlurals: [],
    cliName: 'pollingprofile',
    singleton: false,
    versioned: false,
    // Tracecheck stores several profiles (SPEC §0); this one answers while none was stored.
    defaultSpec: {
      id: SINGLETON_ID,
      name: 'default',
      default: true,
      strategy: 'periodic',
      periodic: { retryDelay: '5s', timeout: '1m', selectorMatchRetries: 3 },
    },
  },
  {
    kind: 'DataStore',
    plural: 'datastores',
    legacyPlurals: [],
    cliName: 'datastore',
    singleton: false,
    versioned: false,
  },
  {
    kind: 'Analyzer',
    plural: 'analyzers',
    legacyPlurals: [],
    cliName: 'analyzer',
    singleton: true,
    versioned: false,
    defaultSpec: {
      id: SINGLETON_ID,
      name: 'analyzer',
      enabled: DEFAULT_ANALYZER_CONFIG.enabled,
      minimumScore: DEFAULT_ANALYZER_CONFIG.minimumScore,
      plugins: DEFAULT_ANALYZER_CONFIG.plugins,
    },
  },
  {
    kind: 'Config',
    plural: 'configs',
    legacyPlurals: [],
    cliName: 'config',
    singleton: true,
    versioned: false,
    // Tracecheck sends no telemetry unless asked to.
    defaultSpec: { id: SINGLETON_ID, name: 'Config', analyticsEnabled: false },
  },
  { kind: 'Demo', plural: 'demos', legacyPlurals: [], cliName: 'demo', singleton: false, versioned: false },
  {
    kind: 'TestRunner',
    plural: 'testrunners',
    legacyPlurals: [],
    cliName: 'testrunner',
    singleton: true,
    versioned: false,
    defaultSpec: { id: SINGLETON_ID, name: 'default', requiredGates: [...DEFAULT_REQUIRED_GATES] },
  },
  {
    kind: 'Monitor',
    plural: 'monitors',
    legacyPlurals: [],
    cliName: 'monitor',
    singleton: false,
    versioned: false,
  },
];
