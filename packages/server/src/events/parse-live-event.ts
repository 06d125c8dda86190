import { LIVE_EVENT_TYPES, type LiveEvent } from './event-bus';

/**
 * Checks a decoded payload from another replica before it reaches listeners; undefined when it is not
 * a live event. Only the known fields are kept.
 * @example const event = parseLiveEvent(JSON.parse(text))
 */
export function parseLiveEvent(value: unknown): LiveEvent | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { type, organizationId, environmentId, runId, runGroupId, testId, suiteId, state, payload, partial } =
    value as Record<string, unknown>;
  if (!(LIVE_EVENT_TYPES as readonly unknown[]).includes(type)) return undefined;
  if (typeof organizationId !== 'string' || typeof environmentId !== 'string') return undefined;
  if (typeof runId !== 'number' || !Number.isSafeInteger(runId)) return undefined;
  for (const optional of [runGroupId, testId, suiteId, state]) {
    if (optional !== undefined && typeof optional !== 'string') return undefined;
  }
  return {
    type: type as LiveEvent['type'],
    organizationId,
    environmentId,
    runId,
    ...(runGroupId === undefined ? {} : { runGroupId: runGroupId as string }),
    ...(testId === undefined ? {} : { testId: testId as string }),
    ...(suiteId === undefined ? {} : { suiteId: suiteId as string }),
    ...(state === undefined ? {} : { state: state as string }),
    ...(payload === undefined ? {} : { payload }),
    ...(partial === true ? { partial } : {}),
  };
}
