import { STAGES, type Stage, type StageMessage } from './queue';

export type ParsedStageMessage =
  | { readonly ok: true; readonly message: StageMessage }
  | { readonly ok: false; readonly problem: string };

/**
 * Checks that a value (a decoded queue payload, or what a caller publishes) is a stage message, and
 * copies only its known fields: messages carry ids only.
 * @example parseStageMessage(JSON.parse(text))
 */
export function parseStageMessage(value: unknown): ParsedStageMessage {
  if (typeof value !== 'object' || value === null) {
    return { ok: false, problem: `expected an object, got ${JSON.stringify(value) ?? String(value)}` };
  }
  const { stage, organizationId, environmentId, runId } = value as Record<string, unknown>;
  if (!isStage(stage)) {
    return { ok: false, problem: `stage ${JSON.stringify(stage)} is not one of ${STAGES.join(', ')}` };
  }
  if (typeof organizationId !== 'string' || organizationId === '') {
    return {
      ok: false,
      problem: `organizationId ${JSON.stringify(organizationId)} is not a non-empty string`,
    };
  }
  if (typeof environmentId !== 'string' || environmentId === '') {
    return { ok: false, problem: `environmentId ${JSON.stringify(environmentId)} is not a non-empty string` };
  }
  if (typeof runId !== 'number' || !Number.isSafeInteger(runId)) {
    return { ok: false, problem: `runId ${JSON.stringify(runId)} is not a whole number` };
  }
  return { ok: true, message: { stage, organizationId, environmentId, runId } };
}

function isStage(value: unknown): value is Stage {
  return (STAGES as readonly unknown[]).includes(value);
}
