/** A failed admin call: a refusal (403) reads as a plain sentence, anything else as `ErrorMessage`. */
import type { ApiError } from '../api/api-client';
import { ErrorMessage } from '../components/error-message';

export function AdminError({
  error,
  what,
  onRetry,
}: {
  readonly error: ApiError;
  /** What was refused, e.g. "manage the tokens of this organization". */
  readonly what: string;
  readonly onRetry?: () => void;
}) {
  if (error.status === 403) {
    return (
      <div className="notice admin-forbidden" role="status">
        <p>
          <strong>Your role does not allow you to {what}.</strong> Ask an owner or an admin of the
          organization if you need it.
        </p>
        <p className="muted small">{error.detail}</p>
      </div>
    );
  }
  return onRetry ? <ErrorMessage error={error} onRetry={onRetry} /> : <ErrorMessage error={error} />;
}

/**
 * An admin list that is not there yet: loading, or refused or failed (see `AdminError`).
 *
 * @example
 * if (tokens.status !== 'ready') return <AdminNotReady state={tokens} loading="Loading tokens…" what="manage the tokens" />;
 */
export function AdminNotReady({
  state,
  loading,
  what,
  onRetry,
}: {
  readonly state: { readonly status: 'loading' } | { readonly status: 'error'; readonly error: ApiError };
  /** The text while it loads, e.g. "Loading tokens…". */
  readonly loading: string;
  /** What a refusal would not allow, e.g. "manage the tokens of this organization". */
  readonly what: string;
  readonly onRetry?: () => void;
}) {
  if (state.status === 'loading') return <p className="loading">{loading}</p>;
  return onRetry ? (
    <AdminError error={state.error} what={what} onRetry={onRetry} />
  ) : (
    <AdminError error={state.error} what={what} />
  );
}
