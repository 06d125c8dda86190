/** Loads data for a screen and follows its dependencies; an answer that arrives late is dropped. */
import { useCallback, useEffect, useState } from 'react';
import { ApiError } from './api-client';

export type LoadState<T> =
  | { readonly status: 'loading' }
  | { readonly status: 'ready'; readonly data: T }
  | { readonly status: 'error'; readonly error: ApiError };

function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  return new ApiError(0, 'INTERNAL', error instanceof Error ? error.message : String(error));
}

/**
 * Runs `load` now and whenever `key` changes; `reload()` runs it again and keeps showing the previous
 * data until the new answer arrives.
 * @example const tests = useLoad(() => api.listTests({ query }), `tests:${query}`);
 */
export function useLoad<T>(
  load: () => Promise<T>,
  key: string,
): LoadState<T> & { readonly reload: () => void } {
  const [state, setState] = useState<LoadState<T>>({ status: 'loading' });
  const [generation, setGeneration] = useState(0);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `key` stands for everything `load` reads
  useEffect(() => {
    let current = true;
    load().then(
      (data) => current && setState({ status: 'ready', data }),
      (error: unknown) => current && setState({ status: 'error', error: toApiError(error) }),
    );
    return () => {
      current = false;
    };
  }, [key, generation]);
  const reload = useCallback(() => setGeneration((value) => value + 1), []);
  return { ...state, reload };
}
