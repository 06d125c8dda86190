/**
 * The zod schemas of the HTTP API. Routes validate requests with them and the OpenAPI document at
 * `/api/openapi.json` is generated from them, so the document cannot drift from what is enforced.
 * Named schemas are listed in `API_COMPONENTS` and become `#/components/schemas/<id>`.
 */
import { ERROR_CODES, type ErrorCode, isSpanId, REQUIRED_GATES, type SpanId } from '@tracecheck/core';
import { z } from 'zod/v4';
import type { ResourceKind, RunState } from '../store/store';

/** Metadata of a named schema: its component id and what it is. */
export type ComponentMeta = {
  readonly id: string;
  readonly description?: string;
};

const components: { readonly schema: z.ZodType; readonly meta: ComponentMeta }[] = [];

/** Named schemas of the OpenAPI document (`#/components/schemas/<id>`), in definition order. */
export const API_COMPONENTS: readonly { readonly schema: z.ZodType; readonly meta: ComponentMeta }[] =
  components;

function named<S extends z.ZodType>(schema: S, id: string, description: string): S {
  components.push({ schema, meta: { id, description } });
  return schema;
}

/** The largest `take` of a list; `all=true` pages through everything. */
export const MAX_PAGE_SIZE = 1000;

const ERROR_CODE_NAMES = Object.keys(ERROR_CODES) as [ErrorCode, ...ErrorCode[]];

export const ApiErrorBodySchema = named(
  z.object({
    status: z.number().int().describe('The HTTP status, repeated for clients that only read the body.'),
    code: z.enum(ERROR_CODE_NAMES).describe('Stable error code.'),
    detail: z.string().describe('A sentence that quotes the bad input and says how to fix it.'),
    hint: z.string().optional(),
    details: z
      .unknown()
      .optional()
      .describe('Structured data: the problems of a definition, the invalid fields…'),
  }),
  'ApiError',
  'The body of every error answer.',
);

export const MissingVariablesSchema = named(
  z.object({
    testId: z.string(),
    variables: z.array(z.object({ key: z.string(), defaultValue: z.string() })),
  }),
  'MissingVariables',
  'Variables a test needs that neither the variable set nor the run gives (SPEC §6.3).',
);

export const MissingVariablesErrorSchema = named(
  ApiErrorBodySchema.extend({ missingVariables: z.array(MissingVariablesSchema) }),
  'MissingVariablesError',
  'Answer 422 of a run start: the variables to give; the Tracetest CLI prompts for them.',
);

// ---- resources -------------------------------------------------------------------------------

export const ResourceSpecSchema = named(
  z.looseObject({ id: z.string().optional() }),
  'ResourceSpec',
  'The spec of a resource (SPEC §1): the fields of its kind, with its id.',
);

/** Definition types accepted on the routes of a kind, legacy names included (SPEC §1.2). */
export const ACCEPTED_TYPES: Readonly<Record<ResourceKind, readonly [string, ...string[]]>> = {
  Test: ['Test'],
  TestSuite: ['TestSuite', 'Transaction'],
  VariableSet: ['VariableSet', 'Environment'],
  PollingProfile: ['PollingProfile'],
  DataStore: ['DataStore'],
  Analyzer: ['Analyzer'],
  Config: ['Config'],
  Demo: ['Demo'],
  TestRunner: ['TestRunner'],
  Monitor: ['Monitor'],
};

export interface ResourceSchemas {
  /** A JSON request body (`Content-Type: application/json`); YAML bodies hold the same document. */
  readonly definition: z.ZodType<{ type: string; spec: Record<string, unknown> }>;
  /** A resource as answered. */
  readonly resource: z.ZodType;
  readonly list: z.ZodType;
}

function createResourceSchemas(kind: ResourceKind): ResourceSchemas {
  const definition = named(
    z.object({ type: z.enum(ACCEPTED_TYPES[kind]), spec: ResourceSpecSchema }),
    `${kind}Definition`,
    `A ${kind} definition (SPEC §1); as JSON, or the same document as YAML with Content-Type text/yaml.`,
  );
  const resource = named(
    z.object({ type: z.literal(kind), spec: ResourceSpecSchema }),
    `${kind}Resource`,
    `A stored ${kind}: its spec with the id and the read-only fields the server computes.`,
  );
  const list = named(
    z.object({ count: z.number().int(), items: z.array(resource) }),
    `${kind}ResourceList`,
    `A page of ${kind} resources; count is the number of matches regardless of paging.`,
  );
  return { definition, resource, list };
}

/** The schemas of each kind's routes. */
export const RESOURCE_SCHEMAS: Readonly<Record<ResourceKind, ResourceSchemas>> = {
  Test: createResourceSchemas('Test'),
  TestSuite: createResourceSchemas('TestSuite'),
  VariableSet: createResourceSchemas('VariableSet'),
  PollingProfile: createResourceSchemas('PollingProfile'),
  DataStore: createResourceSchemas('DataStore'),
  Analyzer: createResourceSchemas('Analyzer'),
  Config: createResourceSchemas('Config'),
  Demo: createResourceSchemas('Demo'),
  TestRunner: createResourceSchemas('TestRunner'),
  Monitor: createResourceSchemas('Monitor'),
};

export const ResourceListQuerySchema = z.object({
  take: z.coerce.number().int().min(0).max(MAX_PAGE_SIZE).optional().describe('Page size, default 100.'),
  skip: z.coerce.number().int().min(0).optional().describe('Items skipped before the page, default 0.'),
  sortBy: z
    .enum(['createdAt', 'created', 'updatedAt', 'name', 'id', 'last_run'])
    .optional()
    .describe('Sort field, default createdAt; `created` is Tracetest’s name of createdAt.'),
  sortDirection: z.enum(['asc', 'desc']).optional().describe('Default desc.'),
  query: z.string().optional().describe('Case-insensitive substring of the name or id.'),
  all: z.enum(['true', 'false']).optional().describe('true: every item, ignoring take and skip.'),
});

export const ResourceIdParamsSchema = z.object({ id: z.string().min(1) });

export const VersionParamsSchema = z.object({
  id: z.string().min(1),
  version: z
    .string()
    .regex(/^[1-9]\d{0,8}$/, 'expected a version number: 1, 2, 3…')
    .transform(Number),
});

export const VersionListSchema = named(
  z.object({ count: z.number().int(), items: z.array(ResourceSpecSchema) }),
  'VersionList',
  'Every version of a test or suite, oldest first, each spec with its version and createdAt.',
);

// ---- runs ------------------------------------------------------------------------------------

/** The states of SPEC §7.1 as stored; `FAILED` is accepted in filters for every error state. */
export const RUN_STATE_NAMES = [
  'CREATED',
  'EXECUTING',
  'AWAITING_TRACE',
  'ANALYZING_TRACE',
  'AWAITING_TEST_RESULTS',
  'FINISHED',
  'TRIGGER_FAILED',
  'TRACE_FAILED',
  'ANALYZING_ERROR',
  'ASSERTION_FAILED',
  'STOPPED',
] as const satisfies readonly RunState[];

export const RunIdParamsSchema = z.object({
  id: z.string().min(1),
  runId: z
    .string()
    .regex(/^[1-9]\d{0,14}$/, 'expected a run number: 1, 2, 3…')
    .transform(Number),
});

const VariableInputSchema = z.object({
  key: z.string().min(1),
  value: z.union([z.string(), z.number(), z.boolean()]).transform(String),
  type: z.enum(['raw', 'secret']).optional(),
});

export const RunInformationSchema = named(
  z.object({
    metadata: z.record(z.string(), z.string()).nullish(),
    variableSetId: z.string().nullish().describe('Id of a variable set; empty for none.'),
    runGroupId: z.string().nullish(),
    variables: z.array(VariableInputSchema).nullish().describe('Ad-hoc variables, above the variable set.'),
    requiredGates: z.array(z.enum(REQUIRED_GATES)).nullish().describe('Overrides the TestRunner gates.'),
    source: z
      .string()
      .max(64)
      .nullish()
      .describe('cli, api, web, monitor…; default the x-source header, else api.'),
    version: z
      .number()
      .int()
      .positive()
      .nullish()
      .describe('Run this stored version of the test (404 when it does not exist); default the latest.'),
  }),
  'RunInformation',
  'Body of a run start (SPEC §10).',
);

const stateList = z
  .union([z.string(), z.array(z.string())])
  .describe('Run states, comma-separated or repeated; FAILED means every error state.');

export const RunListQuerySchema = z.object({
  take: z.coerce.number().int().min(0).max(MAX_PAGE_SIZE).optional().describe('Page size, default 100.'),
  skip: z.coerce.number().int().min(0).optional(),
  sortDirection: z.enum(['asc', 'desc']).optional().describe('By run id; default desc (newest first).'),
  state: stateList.optional(),
  testId: z.string().optional(),
  createdAfter: z.iso
    .datetime({ offset: true })
    .optional()
    .describe('Runs created after this time (RFC 3339).'),
  createdBefore: z.iso
    .datetime({ offset: true })
    .optional()
    .describe('Runs created before this time (RFC 3339).'),
  source: z.string().optional(),
  branch: z.string().optional(),
  runGroupId: z.string().optional(),
});

export const SuiteRunListQuerySchema = z.object({
  take: z.coerce.number().int().min(0).max(MAX_PAGE_SIZE).optional(),
  skip: z.coerce.number().int().min(0).optional(),
  sortDirection: z.enum(['asc', 'desc']).optional().describe('By run id; default desc (newest first).'),
});

const SpanIdSchema = z
  .string()
  .regex(/^[0-9a-f]{16}$/, 'expected a span id: 16 lowercase hexadecimal characters')
  .pipe(z.custom<SpanId>((value) => typeof value === 'string' && isSpanId(value)));

export const AssertionResultsSchema = named(
  z.object({
    allPassed: z.boolean(),
    results: z.array(
      z.object({
        selector: z.object({ query: z.string() }),
        name: z.string().optional(),
        spanIds: z.array(SpanIdSchema).describe('The spans the selector picked, in selection order.'),
        allPassed: z.boolean(),
        error: z.string().optional().describe('Set when the selector itself is invalid.'),
        results: z.array(
          z.object({
            assertion: z.string(),
            allPassed: z.boolean(),
            spanResults: z.array(
              z.object({
                spanId: SpanIdSchema.nullable().describe('null when the selector matched no span.'),
                observedValue: z.string(),
                passed: z.boolean(),
                error: z
                  .string()
                  .optional()
                  .describe('`no match` for a plain mismatch, else why it could not be decided.'),
              }),
            ),
          }),
        ),
      }),
    ),
  }),
  'AssertionResults',
  'The result of every spec of a test run, in spec order (SPEC §5.10).',
);

const TimestampSchema = z.iso.datetime();

const SpanSchema = z.object({
  id: z.string(),
  parentId: z.string().nullable(),
  name: z.string(),
  kind: z.string(),
  startTime: z.number().int().describe('Unix milliseconds.'),
  endTime: z.number().int().describe('Unix milliseconds.'),
  startTimeUnixNano: z.string().describe('Unix nanoseconds, exact.'),
  endTimeUnixNano: z.string().describe('Unix nanoseconds, exact.'),
  attributes: z.record(z.string(), z.string()),
});

interface SpanTree extends z.output<typeof SpanSchema> {
  readonly children: readonly SpanTree[];
}

const SpanTreeSchema: z.ZodType<SpanTree> = named(
  SpanSchema.extend({
    get children() {
      return z.array(SpanTreeSchema);
    },
  }),
  'Span',
  'A span with its children, in tree order.',
);

export const TraceSchema = named(
  z.object({
    traceId: z.string(),
    tree: SpanTreeSchema.nullable().describe('The root span with its descendants; null for an empty trace.'),
    flat: z.record(z.string(), SpanSchema).describe('Every span by id, without children.'),
  }),
  'Trace',
  'The trace of a run, in Tracetest’s shape: attributes flattened, derived tracetest.* attributes included.',
);

export const TestRunSchema = named(
  z.object({
    id: z.string().describe('The run number as text, as Tracetest clients read it.'),
    testId: z.string(),
    testVersion: z.number().int(),
    traceId: z.string(),
    spanId: z.string(),
    runGroupId: z.string().nullable(),
    state: z.enum(RUN_STATE_NAMES),
    lastErrorState: z.string().nullable(),
    executionTime: z.number().int().describe('Whole seconds from creation to completion (or to now).'),
    triggerTime: z.number().int().describe('Milliseconds the trigger took (or has taken so far).'),
    createdAt: TimestampSchema,
    serviceTriggeredAt: TimestampSchema.nullable(),
    serviceTriggerCompletedAt: TimestampSchema.nullable(),
    obtainedTraceAt: TimestampSchema.nullable(),
    completedAt: TimestampSchema.nullable(),
    variableSet: z.object({
      id: z.string().nullable(),
      values: z.array(z.object({ key: z.string(), value: z.string(), type: z.enum(['raw', 'secret']) })),
    }),
    resolvedTrigger: z.unknown(),
    triggerResult: z.unknown(),
    trace: TraceSchema.optional().describe('Only on the read of one run, once the trace is stored.'),
    result: AssertionResultsSchema.nullable(),
    linter: z.unknown(),
    outputs: z.array(
      z.looseObject({
        name: z.string(),
        spanId: z.string().optional(),
        value: z.string(),
        error: z.string().optional(),
      }),
    ),
    requiredGatesResult: z
      .object({ required: z.array(z.string()), failed: z.array(z.string()), passed: z.boolean() })
      .nullable(),
    metadata: z.record(z.string(), z.string()),
    testSuiteId: z.string().nullable(),
    testSuiteRunId: z.string().nullable(),
    source: z.string(),
    branch: z.string().nullable(),
    pass: z.number().int().describe('Span-level assertion results that passed.'),
    fail: z.number().int().describe('Span-level assertion results that failed.'),
    passed: z.boolean().nullable().describe('The verdict of SPEC §7.5; null while the run goes on.'),
  }),
  'TestRun',
  'A test run (SPEC §10), with field names as Tracetest clients read them.',
);

export const TestSuiteRunSchema = named(
  z.object({
    id: z.string(),
    testSuiteId: z.string(),
    version: z.number().int(),
    runGroupId: z.string().nullable(),
    state: z.enum(['CREATED', 'EXECUTING', 'FINISHED', 'FAILED', 'STOPPED']),
    lastErrorState: z.string().nullable(),
    createdAt: TimestampSchema,
    completedAt: TimestampSchema.nullable(),
    executionTime: z.number().int(),
    steps: z.array(TestRunSchema),
    variableSet: z.object({
      id: z.string().nullable(),
      values: z.array(z.object({ key: z.string(), value: z.string(), type: z.enum(['raw', 'secret']) })),
    }),
    metadata: z.record(z.string(), z.string()),
    pass: z.number().int(),
    fail: z.number().int(),
    allStepsRequiredGatesPassed: z.boolean(),
  }),
  'TestSuiteRun',
  'A test suite run (SPEC §10) with the runs of its steps so far.',
);

export const TestRunSummarySchema = named(
  TestRunSchema.omit({
    resolvedTrigger: true,
    triggerResult: true,
    trace: true,
    result: true,
    linter: true,
    outputs: true,
  }),
  'TestRunSummary',
  'A test run as lists answer it: counts (pass, fail), verdict (passed), state and times. The results, ' +
    'outputs, analyzer findings, trigger and trace are on the read of one run.',
);

export const RunListSchema = named(
  z.object({ count: z.number().int(), items: z.array(TestRunSummarySchema) }),
  'TestRunList',
  'A page of test runs; count is the number of matches regardless of paging.',
);

export const RunEventSchema = named(
  z.object({
    runId: z.string(),
    testId: z.string(),
    seq: z.number().int(),
    type: z.string(),
    stage: z.string(),
    title: z.string(),
    description: z.string(),
    createdAt: TimestampSchema,
    data: z.record(z.string(), z.unknown()).optional(),
  }),
  'TestRunEvent',
  'One line of a run’s event log: a decision of the pipeline.',
);

export const DryRunBodySchema = named(
  z.object({
    specs: z.array(
      z.object({
        selector: z.union([z.string(), z.looseObject({ query: z.string() })]),
        name: z.string().nullish(),
        assertions: z.array(z.string()),
      }),
    ),
  }),
  'TestSpecs',
  'Specs to evaluate on a stored trace without saving anything.',
);

export const DryRunResultSchema = named(
  z.object({ allPassed: z.boolean(), results: z.unknown() }),
  'DryRunResult',
  'The specs of a dry run evaluated on the run’s trace.',
);

// ---- live events, system ----------------------------------------------------------------------

export const EventStreamQuerySchema = z.object({
  runId: z
    .string()
    .regex(/^[1-9]\d{0,14}$/, 'expected a run number')
    .transform(Number)
    .optional()
    .describe('A test run: its current state first, then every change until it ends.'),
  suiteRunId: z
    .string()
    .regex(/^[1-9]\d{0,14}$/, 'expected a suite run number')
    .transform(Number)
    .optional()
    .describe('A test suite run: its current state first, then every change until it ends.'),
  runGroupId: z
    .string()
    .min(1)
    .optional()
    .describe('A run group: its summary first, then every change, until the client leaves.'),
});

export const LiveEventSchema = named(
  z.object({
    type: z.enum(['run', 'suite-run', 'run-event', 'spans', 'run-group']),
    organizationId: z.string(),
    environmentId: z.string(),
    runId: z.number().int().describe('The test run or suite run; 0 for a run-group event.'),
    runGroupId: z.string().optional().describe('The group of a run-group event.'),
    testId: z.string().optional(),
    suiteId: z.string().optional(),
    state: z.string().optional(),
    payload: z.unknown().optional(),
    partial: z
      .boolean()
      .optional()
      .describe('True when the payload is a slim run (it could not be read whole).'),
  }),
  'LiveEvent',
  'One Server-Sent Event (`data: <json>`): a state change of a run or of a suite run.',
);

export const HealthSchema = named(
  z.object({ status: z.literal('ok'), version: z.string() }),
  'Health',
  'The process is ready.',
);

export const VersionSchema = named(
  z.object({ version: z.string(), type: z.literal('oss') }),
  'Version',
  'The server version.',
);

export const OpenApiDocumentSchema = named(
  z.looseObject({
    openapi: z.string(),
    info: z.looseObject({ version: z.string() }),
    paths: z.record(z.string(), z.unknown()),
  }),
  'OpenApiDocument',
  'An OpenAPI 3.1 document.',
);

/** A number, or its text; 0 and "" (the zero values a Go client sends) mean none. */
const optionalRunId = z
  .union([z.number().int().min(0), z.string().regex(/^\d{0,15}$/, 'expected a run number')])
  .nullish()
  .transform((value) =>
    value === null || value === undefined || value === '' || Number(value) === 0 ? undefined : Number(value),
  );

export const ResolveExpressionBodySchema = named(
  z.object({
    expression: z
      .string()
      .describe(
        'An expression (SPEC §5): `attr:http.status_code`, `var:HOST`, a quoted string with interpolations…',
      ),
    context: z
      .object({
        testId: z.string().nullish(),
        runId: optionalRunId.describe('A run of testId whose trace the expression reads.'),
        spanId: z.string().nullish().describe('The span `attr:` reads; else each span the selector picks.'),
        selector: z.string().nullish(),
        variableSetId: z.string().nullish().describe('The variables `var:` and `env:` read.'),
      })
      .nullish(),
  }),
  'ResolveRequestInfo',
  'An expression to evaluate, with the variables and the spans it reads.',
);

export const ResolveExpressionResultSchema = named(
  z.object({ resolvedValues: z.array(z.string()) }),
  'ResolveResponseInfo',
  'One value per span the context picks (one value without a span); secret values masked.',
);
