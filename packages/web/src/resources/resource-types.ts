/** Specs of the resources these pages edit, as the API answers them (SPEC §1.5, §1.6, §1.13). */
import type { KeyValueView } from '../api/api-types';

export interface SuiteSpecView {
  readonly id: string;
  readonly name: string;
  readonly description?: string;
  readonly steps: readonly string[];
  readonly version?: number;
  readonly createdAt?: string;
  readonly summary?: { readonly runs?: number; readonly steps?: number };
}

export interface VariableSetValueView {
  readonly key: string;
  readonly value: string;
  readonly type: 'raw' | 'secret';
}

export interface VariableSetSpecView {
  readonly id: string;
  readonly name: string;
  readonly description?: string;
  readonly values?: readonly VariableSetValueView[];
}

export interface MonitorAlertView {
  readonly id?: string;
  readonly type: 'webhook';
  readonly webhook: {
    readonly url: string;
    readonly method: string;
    readonly body?: string;
    readonly headers?: readonly KeyValueView[];
    readonly sslVerification?: boolean;
  };
  readonly events: readonly string[];
}

export interface MonitorSpecView {
  readonly id: string;
  readonly name: string;
  readonly enabled: boolean;
  readonly variableSetId?: string;
  readonly tests?: readonly string[];
  readonly testSuites?: readonly string[];
  readonly schedule?: { readonly cron: string; readonly timeZone?: string };
  readonly alerts?: readonly MonitorAlertView[];
  readonly summary?: { readonly runs?: number; readonly lastState?: string; readonly lastRunTime?: string };
}
