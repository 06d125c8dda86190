/** A call started by the user: busy while it runs, its failure kept to be shown. */
import { useState } from 'react';
import { describeFailure } from '../api/api-client';

export interface PendingAction {
  /** The call runs. */
  readonly busy: boolean;
  /** Why the last call failed, as the user reads it; null when it did not. */
  readonly failure: string | null;
  /**
   * Starts `action`, clearing the last failure; `onDone` gets its value. A failure is kept in `failure`,
   * or handed to `onFailed` instead when given.
   */
  run<T>(action: Promise<T>, onDone: (value: T) => void, onFailed?: (failure: string) => void): void;
  /** Shows a failure found before any call, e.g. a missing input. */
  fail(failure: string | null): void;
}

/**
 * Tracks one call at a time for a button or a form.
 *
 * @example
 * const revoke = usePendingAction();
 * revoke.run(api.revokeToken(organizationId, tokenId), reload);
 */
export function usePendingAction(): PendingAction {
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  return {
    busy,
    failure,
    run(action, onDone, onFailed) {
      setBusy(true);
      setFailure(null);
      action.then(
        (value) => {
          setBusy(false);
          onDone(value);
        },
        (reason: unknown) => {
          setBusy(false);
          if (onFailed) onFailed(describeFailure(reason));
          else setFailure(describeFailure(reason));
        },
      );
    },
    fail: setFailure,
  };
}
