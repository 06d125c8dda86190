/**
 * The "Runs" section of a page (a test's, a suite's, the runs page): the count, the loading and error
 * states, a hint when no run is listed, the table of runs, newest first, and, when the page pages
 * through them, the Newer and Older buttons. The page says which columns a run has.
 */
import type { ReactNode } from 'react';
import type { PageView } from '../api/api-types';
import type { LoadState } from '../api/use-load';
import { ErrorMessage } from './error-message';
import { TableHead } from './table-head';

/** Which page of runs shows, and how to show another. */
export interface RunsPaging {
  /** How many runs come before the page shown. */
  readonly skip: number;
  readonly pageSize: number;
  /** Shows the page starting after `skip` runs. */
  readonly onSkip: (skip: number) => void;
}

export interface RunsSectionProps<R extends { readonly id: string }> {
  /** Id of the section's heading, unique on the page. */
  readonly titleId: string;
  /** The words of the heading, before the count; "Runs" unless the page names them otherwise. */
  readonly title?: string;
  readonly runs: LoadState<PageView<R>> & { readonly reload: () => void };
  /** Headers of the columns, in the order `renderCells` writes them. */
  readonly columns: readonly string[];
  /** The cells (`<td>`) of one run. */
  readonly renderCells: (run: R) => ReactNode;
  /** What to do when no run is listed. */
  readonly emptyHint: ReactNode;
  /** The key of a run's row: its id unless ids repeat in the table (runs of several tests). */
  readonly rowKey?: (run: R) => string;
  /** Pages through the runs; without it the section shows the one page it is given. */
  readonly paging?: RunsPaging;
}

function Pager(props: { readonly paging: RunsPaging; readonly shown: number; readonly count: number }) {
  const { paging, shown, count } = props;
  const { skip, pageSize, onSkip } = paging;
  return (
    <nav className="pager" aria-label="Pages of runs">
      <button
        type="button"
        className="button button-small"
        disabled={skip === 0}
        onClick={() => onSkip(Math.max(0, skip - pageSize))}
      >
        Newer
      </button>
      <span className="muted">
        {skip + 1}–{skip + shown} of {count}
      </span>
      <button
        type="button"
        className="button button-small"
        disabled={skip + shown >= count}
        onClick={() => onSkip(skip + pageSize)}
      >
        Older
      </button>
    </nav>
  );
}

export function RunsSection<R extends { readonly id: string }>(props: RunsSectionProps<R>) {
  const { titleId, title = 'Runs', runs, columns, renderCells, emptyHint, rowKey, paging } = props;
  return (
    <section aria-labelledby={titleId}>
      <h2 id={titleId}>
        {title} {runs.status === 'ready' ? <span className="count-badge">{runs.data.count}</span> : null}
      </h2>
      {runs.status === 'loading' ? <p className="loading">Loading runs…</p> : null}
      {runs.status === 'error' ? <ErrorMessage error={runs.error} onRetry={runs.reload} /> : null}
      {runs.status === 'ready' && runs.data.items.length === 0 ? (
        <p className="empty-hint">{emptyHint}</p>
      ) : null}
      {runs.status === 'ready' && runs.data.items.length > 0 ? (
        <>
          <table className="data-table">
            <TableHead columns={columns} />
            <tbody>
              {runs.data.items.map((run) => (
                <tr key={rowKey === undefined ? run.id : rowKey(run)}>{renderCells(run)}</tr>
              ))}
            </tbody>
          </table>
          {paging === undefined ? null : (
            <Pager paging={paging} shown={runs.data.items.length} count={runs.data.count} />
          )}
        </>
      ) : null}
    </section>
  );
}
