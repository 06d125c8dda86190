/** Starts a run of a test and opens its page, where it is followed live. */
import { useState } from 'react';
import { ApiError } from '../api/api-client';
import { useApi } from '../api/api-context';
import { navigate } from '../router/navigation';
import { hrefOf } from '../router/routes';

export function RunTestButton({
  testId,
  label = 'Run',
  primary = false,
}: {
  readonly testId: string;
  readonly label?: string;
  readonly primary?: boolean;
}) {
  const api = useApi();
  const [state, setState] = useState<{ busy: boolean; error: string | null }>({ busy: false, error: null });
  return (
    <span className="run-test-button">
      <button
        type="button"
        className={`button${primary ? ' button-primary' : ''}`}
        disabled={state.busy}
        onClick={() => {
          setState({ busy: true, error: null });
          api.runTest(testId).then(
            (run) => navigate(hrefOf({ page: 'run', testId, runId: run.id, tab: 'trace' })),
            (error: unknown) =>
              setState({ busy: false, error: error instanceof ApiError ? error.detail : String(error) }),
          );
        }}
      >
        {state.busy ? 'Starting…' : label}
      </button>
      {state.error ? (
        <span className="inline-error" role="alert">
          {state.error}
        </span>
      ) : null}
    </span>
  );
}
