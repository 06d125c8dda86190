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
  monitor_runs: MonitorRunsTable;
  run_groups: RunGroupsTable;
  auth_sessions: AuthSessionsTable;
  auth_sign_in_attempts: AuthSignInAttemptsTable;
  auth_one_time_codes: AuthOneTimeCodesTable;
  users: UsersTable;
  identities: IdentitiesTable;
  memberships: MembershipsTable;
  environment_roles: EnvironmentRolesTable;
  invites: InvitesTable;
  tokens: TokensTable;
  access_requests: AccessRequestsTable;
  audit_log: AuditLogTable;
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
  /** Identity (0002): the user whose personal organization this is. */
  personal_user_id: ColumnType<string | null, string | null | undefined, string | null>;
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

/** Run groups (0005): the summary columns hold what the last refresh computed from the members. */
export interface RunGroupsTable {
  organization_id: string;
  environment_id: string;
  id: string;
  created_at: Date;
  updated_at: Date;
  finished_at: Date | null;
  metadata: Json;
  source: string;
  state: string;
  running: number;
  passed: number;
  failed: number;
  verdict: boolean | null;
}

/** Server-side sessions of identity/sso: browser cookies (`browser`) and CLI tokens (`cli`). */
export interface AuthSessionsTable {
  /** SHA-256 (hex) of the session secret; the secret itself is only in the cookie or the CLI. */
  id_hash: string;
  kind: string;
  user_id: string;
  provider: string;
  created_at: Date;
  last_seen_at: Date;
  idle_timeout_ms: BigIntColumn;
  expires_at: Date;
  ip: string | null;
  user_agent: string | null;
}

/** Sign-ins in flight between the redirect to a provider and its callback (minutes). */
export interface AuthSignInAttemptsTable {
  state_hash: string;
  provider_id: string;
  nonce: string;
  code_verifier: string;
  return_to: string;
  invite_code: string | null;
  cli_redirect_uri: string | null;
  cli_code_challenge: string | null;
  cli_state: string | null;
  created_at: Date;
  expires_at: Date;
}

/** One-time codes: login links (`login_link`) and CLI login codes (`cli`), consumed once. */
export interface AuthOneTimeCodesTable {
  code_hash: string;
  kind: string;
  user_id: string;
  provider: string;
  redirect_uri: string | null;
  code_challenge: string | null;
  created_at: Date;
  expires_at: Date;
}

// Identity and access (migration 0002-identity).

export interface UsersTable {
  id: string;
  email: string | null;
  name: string | null;
  created_at: Date;
}

export interface IdentitiesTable {
  provider: string;
  subject: string;
  user_id: string;
  email: string | null;
  created_at: Date;
  last_sign_in_at: Date;
}

export interface MembershipsTable {
  organization_id: string;
  user_id: string;
  role: string;
  created_at: Date;
}

export interface EnvironmentRolesTable {
  organization_id: string;
  environment_id: string;
  user_id: string;
  role: string;
}

export interface InvitesTable {
  id: string;
  organization_id: string;
  kind: string;
  email: string | null;
  role: string;
  environment_grants: Json;
  code_hash: string;
  created_by: string | null;
  created_at: Date;
  sent_at: Date;
  expires_at: Date | null;
  max_uses: number | null;
  uses: number;
  revoked_at: Date | null;
}

export interface TokensTable {
  id: string;
  kind: string;
  organization_id: string;
  environment_id: string | null;
  role: string;
  name: string;
  display_prefix: string;
  hash: string;
  created_by: string | null;
  created_at: Date;
  expires_at: Date | null;
  revoked_at: Date | null;
  last_used_at: Date | null;
}

export interface AccessRequestsTable {
  id: string;
  organization_id: string;
  environment_id: string;
  user_id: string;
  role: string;
  message: string;
  status: string;
  created_at: Date;
  decided_by: string | null;
  decided_at: Date | null;
}

export interface AuditLogTable {
  id: BigIntId;
  organization_id: string;
  environment_id: string | null;
  actor_type: string;
  actor_id: string;
  actor_display: string;
  action: string;
  resource_type: string;
  resource_id: string;
  ip: string | null;
  user_agent: string | null;
  at: Date;
  details: Json;
}

/** Runs of monitors (0004); a scheduled run is unique per (monitor, tick). */
export interface MonitorRunsTable {
  id: BigIntId;
  organization_id: string;
  environment_id: string;
  monitor_id: string;
  execution_type: string;
  scheduled_for: Date | null;
  state: string;
  created_at: Date;
  completed_at: Date | null;
  created_by: string;
  targets: Json;
  verdict: boolean | null;
  last_error: string | null;
  alerts_pending: boolean;
  alerts_lease_until: Date | null;
  alerts: Json;
}
