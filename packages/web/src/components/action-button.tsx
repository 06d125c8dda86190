/** A button that starts a call (run a test, run or stop a suite), busy while it runs, its failure beside it. */
import { usePendingAction } from './use-pending-action';

export function ActionButton<T>({
  label,
  busyLabel,
  primary = false,
  action,
  onDone,
}: {
  readonly label: string;
  /** The button's text while the call runs, e.g. "Starting…". */
  readonly busyLabel: string;
  readonly primary?: boolean;
  readonly action: () => Promise<T>;
  readonly onDone: (value: T) => void;
}) {
  const pending = usePendingAction();
  return (
    <span className="run-test-button">
      <button
        type="button"
        className={`button${primary ? ' button-primary' : ''}`}
        disabled={pending.busy}
        onClick={() => pending.run(action(), onDone)}
      >
        {pending.busy ? busyLabel : label}
      </button>
      {pending.failure ? (
        <span className="inline-error" role="alert">
          {pending.failure}
        </span>
      ) : null}
    </span>
  );
}
