/**
 * The runs of every test, newest first, filtered by state, test, time range (a fixed one or a custom
 * from/to), source and branch (the filters live in the URL); and the run groups, each with one verdict.
 */
import { useEffect, useId, useState } from 'react';
import { useApi } from '../api/api-context';
import type { PageView, TestRunView } from '../api/api-types';
import { useLoad } from '../api/use-load';
import { RunSummaryCells } from '../components/run-summary-cells';
import { RunsSection } from '../components/runs-section';
import { useDebouncedValue } from '../components/use-debounced-value';
import { useDocumentTitle } from '../components/use-document-title';
import { Link, navigate } from '../router/navigation';
import { hrefOf, type RunFilters } from '../router/routes';
import { RunGroups } from '../runs/run-groups';
import {
  fromLocalInputValue,
  hasCustomTimeRange,
  RUN_TIME_RANGES,
  toLocalInputValue,
  toRunListQuery,
} from '../runs/run-list-query';

/** Sources a run is started from (the `x-source` of its start); others can be typed in the URL. */
const SOURCES = ['cli', 'web', 'api', 'monitor'] as const;

/** State filters offered: groups of SPEC §7.1 states a person thinks in. */
const STATE_FILTERS: readonly { readonly value: string; readonly label: string }[] = [
  { value: '', label: 'Any state' },
  { value: 'CREATED,EXECUTING,AWAITING_TRACE,ANALYZING_TRACE,AWAITING_TEST_RESULTS', label: 'In progress' },
  { value: 'FINISHED', label: 'Finished' },
  { value: 'FAILED', label: 'Broke (trigger, trace, analyzer or engine error)' },
  { value: 'TRIGGER_FAILED', label: 'Trigger failed' },
  { value: 'TRACE_FAILED', label: 'Trace failed' },
  { value: 'STOPPED', label: 'Stopped' },
];

const PAGE_SIZE = 100;

/** What a custom time range that is not valid lists: nothing (the boxes say what to fix). */
const NO_RUNS: PageView<TestRunView> = { count: 0, items: [] };

/** The value of the time select that shows the From and To boxes. */
const CUSTOM_RANGE = 'custom';

/** A custom range starts as the last day, to the minute, open at its end. */
function defaultRangeStart(nowMs: number): string {
  const start = new Date(nowMs - 86_400_000);
  start.setSeconds(0, 0);
  return start.toISOString();
}

/** The From and To boxes of a custom time range, with the range's problem under them. */
function CustomTimeRange(props: {
  readonly filters: RunFilters;
  readonly problem: string | null;
  readonly onChange: (filters: RunFilters) => void;
}) {
  const { filters, problem, onChange } = props;
  const problemId = useId();
  const box = (key: 'from' | 'to', label: string) => (
    <label className="field field-inline">
      <span>{label}</span>
      <input
        type="datetime-local"
        value={toLocalInputValue(filters[key])}
        aria-invalid={problem !== null}
        aria-describedby={problem === null ? undefined : problemId}
        onChange={(event) =>
          onChange({ ...filters, since: undefined, [key]: fromLocalInputValue(event.target.value) })
        }
      />
    </label>
  );
  return (
    <fieldset className="time-range">
      <legend className="sr-only">Custom time range</legend>
      {box('from', 'From')}
      {box('to', 'To')}
      {problem === null ? null : (
        <p className="inline-error time-range-problem" role="alert" id={problemId}>
          {problem}
        </p>
      )}
    </fieldset>
  );
}

export function RunsPage({ filters }: { readonly filters: RunFilters }) {
  useDocumentTitle('Runs');
  const api = useApi();
  const [page, setPage] = useState({ key: '', skip: 0 });
  const filterKey = hrefOf({ page: 'runs', filters });
  // Changing a filter starts again from the first page.
  const skip = page.key === filterKey ? page.skip : 0;
  const listing = toRunListQuery(filters, Date.now());
  const runs = useLoad(
    () => (listing.ok ? api.listRuns({ take: PAGE_SIZE, skip, ...listing.query }) : Promise.resolve(NO_RUNS)),
    `${filterKey}|${skip}`,
  );
  // Choosing "Custom range…" writes a start into the URL: the boxes show while the URL has a range.
  const showCustom = hasCustomTimeRange(filters);
  const tests = useLoad(
    () => api.listTests({ sortBy: 'name', sortDirection: 'asc', take: 1000 }),
    'test-names',
  );
  const testNames = new Map<string, string>();
  if (tests.status === 'ready')
    for (const { spec } of tests.data.items) testNames.set(spec.id, spec.name || spec.id);
  const setFilters = (next: RunFilters) => navigate(hrefOf({ page: 'runs', filters: next }));
  const filtered = Object.values(filters).some(Boolean);
  // The branch box filters once typing stops.
  const [branch, setBranch] = useState(filters.branch ?? '');
  const settledBranch = useDebouncedValue(branch.trim(), 400);
  // biome-ignore lint/correctness/useExhaustiveDependencies: only a settled change of the box filters
  useEffect(() => {
    if (settledBranch !== (filters.branch ?? ''))
      setFilters({ ...filters, branch: settledBranch || undefined });
  }, [settledBranch]);
  const now = Date.now();

  return (
    <div className="page">
      <div className="page-header">
        <h1>Runs</h1>
      </div>
      <div className="toolbar">
        <label className="field field-inline">
          <span>State</span>
          <select
            value={filters.state ?? ''}
            onChange={(event) => setFilters({ ...filters, state: event.target.value || undefined })}
          >
            {STATE_FILTERS.map((entry) => (
              <option key={entry.value} value={entry.value}>
                {entry.label}
              </option>
            ))}
            {filters.state && !STATE_FILTERS.some((entry) => entry.value === filters.state) ? (
              <option value={filters.state}>{filters.state}</option>
            ) : null}
          </select>
        </label>
        <label className="field field-inline">
          <span>Test</span>
          <select
            value={filters.testId ?? ''}
            onChange={(event) => setFilters({ ...filters, testId: event.target.value || undefined })}
          >
            <option value="">Any test</option>
            {[...testNames].map(([id, name]) => (
              <option key={id} value={id}>
                {name}
              </option>
            ))}
            {filters.testId && !testNames.has(filters.testId) ? (
              <option value={filters.testId}>{filters.testId}</option>
            ) : null}
          </select>
        </label>
        <label className="field field-inline">
          <span>Time</span>
          <select
            value={showCustom ? CUSTOM_RANGE : (filters.since ?? '')}
            onChange={(event) => {
              const value = event.target.value;
              if (value === CUSTOM_RANGE) {
                if (!hasCustomTimeRange(filters))
                  setFilters({ ...filters, since: undefined, from: defaultRangeStart(Date.now()) });
              } else {
                setFilters({ ...filters, since: value || undefined, from: undefined, to: undefined });
              }
            }}
          >
            <option value="">Any time</option>
            {RUN_TIME_RANGES.map((entry) => (
              <option key={entry.value} value={entry.value}>
                {entry.label}
              </option>
            ))}
            <option value={CUSTOM_RANGE}>Custom range…</option>
          </select>
        </label>
        {showCustom ? (
          <CustomTimeRange
            filters={filters}
            problem={listing.ok ? null : listing.problem}
            onChange={setFilters}
          />
        ) : null}
        <label className="field field-inline">
          <span>Source</span>
          <select
            value={filters.source ?? ''}
            onChange={(event) => setFilters({ ...filters, source: event.target.value || undefined })}
          >
            <option value="">Any source</option>
            {SOURCES.map((source) => (
              <option key={source} value={source}>
                {source}
              </option>
            ))}
            {filters.source && !(SOURCES as readonly string[]).includes(filters.source) ? (
              <option value={filters.source}>{filters.source}</option>
            ) : null}
          </select>
        </label>
        <label className="field field-inline">
          <span>Branch</span>
          <input
            type="search"
            value={branch}
            placeholder="Any branch"
            onChange={(event) => setBranch(event.target.value)}
          />
        </label>
        {filtered ? (
          <button
            type="button"
            className="button button-small"
            onClick={() => {
              setBranch('');
              setFilters({});
            }}
          >
            Clear filters
          </button>
        ) : null}
      </div>
      {listing.ok ? (
        <RunsSection
          titleId="test-runs-title"
          title="Test runs"
          runs={runs}
          columns={['Test', 'Run', 'State', 'Started', 'Took', 'Results', 'Source']}
          emptyHint={
            filtered ? (
              'No run matches these filters. Clear them to see every run.'
            ) : (
              <>
                No test has run yet. Open a test on the <Link to="/tests">Tests</Link> page and press Run, or
                run one from a terminal or CI: <code>npx tracecheck run test -f my-test.yaml</code>.
              </>
            )
          }
          rowKey={(run) => `${run.testId}-${run.id}`}
          renderCells={(run) => (
            <>
              <td>
                <Link to={hrefOf({ page: 'test', testId: run.testId })}>
                  {testNames.get(run.testId) ?? run.testId}
                </Link>
              </td>
              <td>
                <Link
                  to={hrefOf({ page: 'run', testId: run.testId, runId: run.id, tab: 'trace' })}
                  className="row-title"
                >
                  #{run.id}
                </Link>
              </td>
              <RunSummaryCells run={run} now={now} />
            </>
          )}
          paging={{ skip, pageSize: PAGE_SIZE, onSkip: (next) => setPage({ key: filterKey, skip: next }) }}
        />
      ) : (
        <p className="empty-hint">Fix the time range above to see its runs.</p>
      )}
      <RunGroups />
    </div>
  );
}
