/** Starts a run of a test and opens its page, where it is followed live. */
import { useApi } from '../api/api-context';
import { navigate } from '../router/navigation';
import { hrefOf } from '../router/routes';
import { ActionButton } from './action-button';

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
  return (
    <ActionButton
      label={label}
      busyLabel="Starting…"
      primary={primary}
      action={() => api.runTest(testId)}
      onDone={(run) => navigate(hrefOf({ page: 'run', testId, runId: run.id, tab: 'trace' }))}
    />
  );
}
