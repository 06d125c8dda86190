/**
 * The sentences a dead-lettered run is failed with. Both adapters use them, so a run fails with the
 * same words whichever queue carried it.
 */

/** The last attempt threw `error`. */
export function reasonAfterFailure(attempt: number, error: unknown): string {
  return `gave up after ${attempt} ${attempt === 1 ? 'attempt' : 'attempts'}; the last one failed: ${describeError(error)}`;
}

/** The last attempt neither finished nor sent a heartbeat within the ack timeout (hung or crashed). */
export function reasonAfterTimeout(attempt: number, ackTimeoutMs: number): string {
  return (
    `gave up after ${attempt} ${attempt === 1 ? 'attempt' : 'attempts'}; the last one did not finish ` +
    `within the ack timeout of ${ackTimeoutMs} ms (the worker crashed or hung without a heartbeat)`
  );
}

/** One line for any thrown value: the message of an Error, the text of anything else. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return typeof error === 'string' ? error : (JSON.stringify(error) ?? String(error));
}
