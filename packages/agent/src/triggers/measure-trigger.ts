import type { TriggerContext, TriggerResponse, TriggerResult, TriggerType } from './trigger';
import { readTriggerError } from './trigger-error';

/**
 * Runs one firing of a trigger and times it with the context's clock. A thrown error becomes
 * `result.error`, so a trigger's `fire` never rejects.
 */
export async function measureTrigger(
  type: TriggerType,
  context: TriggerContext,
  fire: () => Promise<TriggerResponse>,
): Promise<TriggerResult> {
  const nowMs = context.nowMs ?? Date.now;
  const startedAtMs = nowMs();
  try {
    const response = await fire();
    return { ...response, startedAtMs, completedAtMs: nowMs() };
  } catch (error) {
    return { type, error: readTriggerError(error, context), startedAtMs, completedAtMs: nowMs() };
  }
}
