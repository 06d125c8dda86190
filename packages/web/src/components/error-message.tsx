/** A failed API call as the server explained it, with a way to try again. */
import type { ApiError } from '../api/api-client';

export function ErrorMessage({
  error,
  onRetry,
}: {
  readonly error: ApiError;
  readonly onRetry?: () => void;
}) {
  return (
    <div className="error-message" role="alert">
      <p>
        <strong>{error.status === 404 ? 'Not found.' : 'Something went wrong.'}</strong> {error.detail}
      </p>
      {error.hint ? <p className="muted">{error.hint}</p> : null}
      {onRetry ? (
        <button type="button" className="button" onClick={onRetry}>
          Try again
        </button>
      ) : null}
    </div>
  );
}
