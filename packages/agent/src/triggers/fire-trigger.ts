import { graphqlTrigger } from './graphql-trigger';
import { grpcTrigger } from './grpc-trigger';
import { httpTrigger } from './http-trigger';
import { kafkaTrigger } from './kafka-trigger';
import { createTraceIdTrigger } from './traceid-trigger';
import type { TriggerContext, TriggerRequest, TriggerResult } from './trigger';

const traceIdTriggers = {
  traceid: createTraceIdTrigger('traceid'),
  cypress: createTraceIdTrigger('cypress'),
  playwright: createTraceIdTrigger('playwright'),
  k6: createTraceIdTrigger('k6'),
  artillery: createTraceIdTrigger('artillery'),
};

/**
 * Fires a (resolved) trigger with the trigger type's module. The promise always resolves: a failure is
 * `result.error` (SPEC §2.11). An integration trigger that `resolveTrigger` has not filled has no trace
 * id, so it keeps the context's trace id and says so.
 * @example const result = await fireTrigger(resolveTrigger(trigger, resolve), {traceId, spanId, timeoutMs: 30_000})
 */
export function fireTrigger(trigger: TriggerRequest, context: TriggerContext): Promise<TriggerResult> {
  switch (trigger.type) {
    case 'http':
      return httpTrigger.fire(trigger.httpRequest, context);
    case 'grpc':
      return grpcTrigger.fire(trigger.grpc, context);
    case 'graphql':
      return graphqlTrigger.fire(trigger.graphql, context);
    case 'kafka':
      return kafkaTrigger.fire(trigger.kafka, context);
    case 'traceid':
      return traceIdTriggers.traceid.fire(trigger.traceid, context);
    case 'cypress':
    case 'playwright':
    case 'k6':
    case 'artillery':
      return traceIdTriggers[trigger.type].fire(trigger.traceid ?? { id: '' }, context);
  }
}
