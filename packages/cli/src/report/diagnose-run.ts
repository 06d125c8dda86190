import type { Diagnosis } from './group-report';

/** Event types of the run log that say why a run ended without a verdict (server's `RunEventType`). */
const DECISIVE_EVENTS: ReadonlySet<string> = new Set([
  'TRIGGER_FAILED',
  'AGENT_UNAVAILABLE',
  'TRACE_NOT_FOUND',
  'DATA_STORE_ERROR',
  'EVALUATION_FAILED',
  'STAGE_GAVE_UP',
  'RUN_STOPPED',
]);

export interface DiagnoseInput {
  readonly state: string;
  readonly lastErrorState?: string | null;
  readonly traceId?: string;
  readonly events: readonly { readonly type: string; readonly title: string; readonly description: string }[];
  readonly eventsLink?: string;
}

/** What to check for each error state (SPEC §7.1). */
function adviceFor(state: string, traceId: string | undefined): string {
  switch (state) {
    case 'TRIGGER_FAILED':
      return 'the trigger could not reach the system under test: check its URL, port and host name as the agent sees them, and that the service is up';
    case 'TRACE_FAILED':
      return `no span of trace ${traceId ?? '(unknown)'} arrived before the polling profile's timeout: check that the service exports OTLP to the agent (OTEL_EXPORTER_OTLP_ENDPOINT) and propagates the W3C traceparent header it receives`;
    case 'STOPPED':
      return 'the run was stopped before it ended: run it again';
    case 'ANALYZING_ERROR':
    case 'ASSERTION_FAILED':
    case 'FAILED':
      return 'the run pipeline hit an error of its own: the run events have the details; report them if they name an internal error';
    default:
      return 'the run events have the details';
  }
}

/**
 * Explains a run that ended in an error state: the decisive lines of its event log and what to check.
 * @example diagnoseRun({ state: 'TRIGGER_FAILED', events }) // { why: ['Trigger failed: connect ECONNREFUSED …'], check: 'the trigger could not reach …' }
 */
export function diagnoseRun(input: DiagnoseInput): Diagnosis {
  const why = input.events
    .filter((event) => DECISIVE_EVENTS.has(event.type))
    .map((event) => (event.description ? `${event.title}: ${event.description}` : event.title));
  if (why.length === 0 && input.lastErrorState && input.lastErrorState !== input.state) {
    why.push(input.lastErrorState);
  }
  return {
    why,
    check: adviceFor(input.state, input.traceId),
    ...(input.eventsLink ? { eventsLink: input.eventsLink } : {}),
  };
}
