/**
 * The "Runs" section of a test's or a suite's page: the count, the loading and error states, a hint
 * when nothing ran yet, and the table of runs, newest first. The page says which columns a run has.
 */
import type { ReactNode } from 'react';
import type { PageView } from '../api/api-types';
import type { LoadState } from '../api/use-load';
import { ErrorMessage } from './error-message';

export interface RunsSectionProps<R extends { readonly id: string }> {
  /** Id of the section's heading, unique on the page. */
  readonly titleId: string;
  readonly runs: LoadState<PageView<R>> & { readonly reload: () => void };
  /** Headers of the columns, in the order `renderCells` writes them. */
  readonly columns: readonly string[];
  /** The cells (`<td>`) of one run. */
  readonly renderCells: (run: R) => ReactNode;
  /** What to do when nothing ran yet. */
  readonly emptyHint: ReactNode;
}

export function RunsSection<R extends { readonly id: string }>(props: RunsSectionProps<R>) {
  const { titleId, runs, columns, renderCells, emptyHint } = props;
  return (
    <section aria-labelledby={titleId}>
      <h2 id={titleId}>
        Runs {runs.status === 'ready' ? <span className="count-badge">{runs.data.count}</span> : null}
      </h2>
      {runs.status === 'loading' ? <p className="loading">Loading runs…</p> : null}
      {runs.status === 'error' ? <ErrorMessage error={runs.error} onRetry={runs.reload} /> : null}
      {runs.status === 'ready' && runs.data.items.length === 0 ? (
        <p className="empty-hint">{emptyHint}</p>
      ) : null}
      {runs.status === 'ready' && runs.data.items.length > 0 ? (
        <table className="data-table">
          <thead>
            <tr>
              {columns.map((column) => (
                <th key={column} scope="col">
                  {column}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {runs.data.items.map((run) => (
              <tr key={run.id}>{renderCells(run)}</tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}
