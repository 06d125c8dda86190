/**
 * Saving a resource: the state of the last save and its message, with every problem the server found
 * in the definition (path and sentence) when it refused it.
 */
import { type ReactNode, useState } from 'react';
import { ApiError } from '../api/api-client';
import type { DefinitionProblemView } from '../api/api-types';

export type SaveState<T> =
  | { readonly status: 'idle' }
  | { readonly status: 'saving' }
  | { readonly status: 'saved'; readonly value: T }
  | {
      readonly status: 'failed';
      readonly message: string;
      readonly problems: readonly DefinitionProblemView[];
    };

function failureOf(error: unknown): { message: string; problems: readonly DefinitionProblemView[] } {
  if (!(error instanceof ApiError)) return { message: String(error), problems: [] };
  const details = error.details as { problems?: readonly DefinitionProblemView[] } | undefined;
  return {
    message: error.detail,
    problems: (details?.problems ?? []).filter((problem) => problem.severity === 'error'),
  };
}

/**
 * The state of a save and a function that runs one.
 * @example const [state, save] = useSave(); save(() => api.applyResource('variablesets', definition));
 */
export function useSave<T>(): readonly [
  SaveState<T>,
  (run: () => Promise<T>) => Promise<T | undefined>,
  () => void,
] {
  const [state, setState] = useState<SaveState<T>>({ status: 'idle' });
  const save = async (run: () => Promise<T>): Promise<T | undefined> => {
    setState({ status: 'saving' });
    try {
      const value = await run();
      setState({ status: 'saved', value });
      return value;
    } catch (error) {
      setState({ status: 'failed', ...failureOf(error) });
      return undefined;
    }
  };
  return [state, save, () => setState({ status: 'idle' })] as const;
}

/** The outcome of the last save, announced to screen readers. */
export function SaveStatus<T>({
  state,
  saved,
}: {
  readonly state: SaveState<T>;
  readonly saved: (value: T) => ReactNode;
}) {
  return (
    <div aria-live="polite">
      {state.status === 'saved' ? (
        <div className="notice notice-success" role="status">
          {saved(state.value)}
        </div>
      ) : null}
      {state.status === 'failed' ? (
        <div className="error-message" role="alert">
          <p>
            <strong>Not saved.</strong> {state.message}
          </p>
          {state.problems.length > 0 ? (
            <ul className="problem-list">
              {state.problems.map((problem) => (
                <li key={`${problem.path}:${problem.message}`}>
                  <code>{problem.path || 'the definition'}</code>: {problem.message}
                </li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}
    </div>
  );
}
