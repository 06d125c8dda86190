import type { TraceId } from '@tracecheck/core';
import { measureTrigger } from './measure-trigger';
import type {
  IntegrationTriggerType,
  TraceIdRequest,
  TraceIdResponse,
  Trigger,
  TriggerContext,
} from './trigger';

const TRACE_ID_RE = /^[0-9a-f]{32}$/;
const ZERO_TRACE_ID = '0'.repeat(32);

/**
 * A trace-id based trigger (SPEC §2.6, §2.7): nothing is sent, the run's trace id becomes the resolved
 * `id` (any case, surrounding spaces ignored). An id that is not 32 hex digits, or all zeros, keeps the
 * context's trace id, and the result says so in `warning`.
 */
export function createTraceIdTrigger(type: 'traceid' | IntegrationTriggerType): Trigger<TraceIdRequest> {
  return {
    type,
    fire: (request, context) =>
      measureTrigger(type, context, async () => ({ type, traceid: chooseTraceId(request.id, context) })),
  };
}

function chooseTraceId(id: string, context: TriggerContext): TraceIdResponse {
  const normalized = id.trim().toLowerCase();
  if (TRACE_ID_RE.test(normalized) && normalized !== ZERO_TRACE_ID) return { id: normalized as TraceId };
  return {
    id: context.traceId,
    warning: `the trigger's trace id "${id}" is not 32 hexadecimal digits (or is all zeros), so the run keeps its generated trace id ${context.traceId}: pass a W3C trace id, e.g. through the TRACE_ID variable`,
  };
}
