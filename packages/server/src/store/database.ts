import type { ColumnType, GeneratedAlways } from 'kysely';

/**
 * The tables as Kysely sees them. JSON columns are written as JSON text (both drivers pass a string
 * parameter through unchanged, whereas `pg` would turn a JS array into a PostgreSQL array) and read
 * back parsed. `bigint` columns read as string (`pg`), number or bigint (PGlite): `toSafeInteger`
 * converts them.
 */
export interface Database {
  organizations: OrganizationsTable;
  environments: EnvironmentsTable;
  resources: ResourcesTable;
  resource_versions: ResourceVersionsTable;
  runs: RunsTable;
  run_events: RunEventsTable;
  run_spans: RunSpansTable;
  run_traces: RunTracesTable;
  suite_runs: SuiteRunsTable;
}

type Json = ColumnType<unknown, string, string>;
type NullableJson = ColumnType<unknown, string | null, string | null>;
type BigIntId = GeneratedAlways<string | number | bigint>;
type BigIntColumn = ColumnType<string | number | bigint, number, number>;
type Bytes = ColumnType<Uint8Array, Uint8Array, Uint8Array>;

interface OrganizationsTable {
  id: string;
  name: string;
  created_at: Date;
}

interface EnvironmentsTable {
  organization_id: string;
  id: string;
  name: string;
  created_at: Date;
}

interface ResourcesTable {
  organization_id: string;
  environment_id: string;
  kind: string;
  id: string;
  version: number;
  name: string | null;
  spec: Json;
  created_at: Date;
  updated_at: Date;
  deleted_at: Date | null;
}

interface ResourceVersionsTable {
  organization_id: string;
  environment_id: string;
  kind: string;
  id: string;
  version: number;
  spec: Json;
  created_at: Date;
}

export interface RunsTable {
  id: BigIntId;
  organization_id: string;
  environment_id: string;
  test_id: string;
  test_version: number;
  state: string;
  trace_id: string;
  span_id: string;
  last_error_state: string | null;
  created_at: Date;
  service_triggered_at: Date | null;
  service_trigger_completed_at: Date | null;
  obtained_trace_at: Date | null;
  completed_at: Date | null;
  variable_set_id: string | null;
  variables: Json;
  required_gates: NullableJson;
  metadata: Json;
  run_group_id: string | null;
  test_suite_id: string | null;
  test_suite_run_id: ColumnType<string | number | bigint | null, number | null, number | null>;
  source: string;
  branch: string | null;
  resolved_trigger: NullableJson;
  trigger_result: NullableJson;
  result: NullableJson;
  outputs: NullableJson;
  linter: NullableJson;
  required_gates_result: NullableJson;
  passed: number;
  failed: number;
  verdict: boolean | null;
  /** The seq of the run's last event: appenders reserve seqs by incrementing it. */
  last_event_seq: number;
}

interface RunEventsTable {
  organization_id: string;
  environment_id: string;
  run_id: BigIntColumn;
  seq: number;
  type: string;
  stage: string;
  title: string;
  description: string;
  data: NullableJson;
  created_at: Date;
}

interface RunSpansTable {
  /** Orders the chunks of a run. */
  id: BigIntId;
  organization_id: string;
  environment_id: string;
  run_id: BigIntColumn;
  chunk: Bytes;
  created_at: Date;
}

interface RunTracesTable {
  organization_id: string;
  environment_id: string;
  run_id: BigIntColumn;
  /** How `document` is encoded, e.g. `otlp-protobuf+gzip` (see trace-document.ts). */
  format: string;
  size_bytes: BigIntColumn;
  document: Bytes;
  created_at: Date;
}

export interface SuiteRunsTable {
  id: BigIntId;
  organization_id: string;
  environment_id: string;
  suite_id: string;
  suite_version: number;
  state: string;
  created_at: Date;
  completed_at: Date | null;
  variable_set_id: string | null;
  variables: Json;
  required_gates: NullableJson;
  metadata: Json;
  run_group_id: string | null;
  step_run_ids: Json;
  last_error_state: string | null;
}
