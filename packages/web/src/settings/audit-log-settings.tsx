/**
 * The organization's audit log, newest first: who did what to which resource, when, and the result;
 * filtered by resource type, action and time range, fifty entries at a time with "Load more".
 */
import { useEffect, useId, useState } from 'react';
import { ApiError } from '../api/api-client';
import { useApi } from '../api/api-context';
import type { AuditEntryView } from '../api/api-types';
import { FieldProblemText, SelectField, TextField } from '../editor/form-fields';
import { formatTimestamp } from '../format/format-time';
import { AdminError } from './admin-error';
import {
  AUDIT_RESOURCE_TYPES,
  type AuditFilters,
  appendAuditPage,
  checkAuditAction,
  checkAuditRange,
  describeAuditDetails,
  describeAuditResult,
  toAuditQuery,
} from './admin-lists';
import type { AdminScope } from './admin-scope';
import { AdminTable } from './admin-table';

const PAGE_SIZE = 50;

const NO_FILTERS: AuditFilters = { resourceType: '', action: '', from: '', to: '' };

type LogState =
  | { readonly status: 'loading' }
  | { readonly status: 'error'; readonly error: ApiError }
  | {
      readonly status: 'ready';
      readonly entries: readonly AuditEntryView[];
      readonly count: number;
      readonly more: 'idle' | 'loading' | string;
    };

function toApiError(error: unknown): ApiError {
  return error instanceof ApiError ? error : new ApiError(0, 'INTERNAL', String(error));
}

/** A `datetime-local` box of the time range; the range's problem, shared by both boxes, shows under them. */
function RangeBox(props: {
  readonly label: string;
  readonly value: string;
  readonly problemId: string | undefined;
  readonly onChange: (value: string) => void;
}) {
  const id = useId();
  return (
    <div className="form-field">
      <label htmlFor={id}>{props.label}</label>
      <input
        id={id}
        type="datetime-local"
        value={props.value}
        className={props.problemId === undefined ? undefined : 'input-invalid'}
        aria-invalid={props.problemId === undefined ? undefined : true}
        aria-describedby={props.problemId}
        onChange={(event) => props.onChange(event.target.value)}
      />
    </div>
  );
}

export function AuditLogSettings({ scope }: { readonly scope: AdminScope }) {
  const api = useApi();
  const [resourceType, setResourceType] = useState('');
  const [actionText, setActionText] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [applied, setApplied] = useState<AuditFilters>(NO_FILTERS);
  const [generation, setGeneration] = useState(0);
  const [state, setState] = useState<LogState>({ status: 'loading' });
  const actionProblem = checkAuditAction(actionText);
  const rangeProblem = checkAuditRange(from, to);
  const rangeProblemId = `${useId()}-range-problem`;
  const query = (skip: number) => toAuditQuery(applied, { take: PAGE_SIZE, skip });
  // biome-ignore lint/correctness/useExhaustiveDependencies: `query` reads only `applied`
  useEffect(() => {
    let current = true;
    setState({ status: 'loading' });
    api.listAuditLog(scope.organizationId, query(0)).then(
      (page) =>
        current && setState({ status: 'ready', entries: page.items, count: page.count, more: 'idle' }),
      (error: unknown) => current && setState({ status: 'error', error: toApiError(error) }),
    );
    return () => {
      current = false;
    };
  }, [api, scope.organizationId, applied, generation]);
  const loadMore = () => {
    if (state.status !== 'ready') return;
    setState({ ...state, more: 'loading' });
    api.listAuditLog(scope.organizationId, query(state.entries.length)).then(
      (page) =>
        setState({
          status: 'ready',
          entries: appendAuditPage(state.entries, page.items),
          count: page.count,
          more: 'idle',
        }),
      (error: unknown) =>
        setState({ ...state, more: `Could not load more entries: ${toApiError(error).detail}` }),
    );
  };
  return (
    <>
      <form
        className="editor-form admin-filters"
        aria-label="Audit log filters"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          if (actionProblem || rangeProblem) return;
          setApplied({ resourceType, action: actionText.trim(), from, to });
          setGeneration((value) => value + 1);
        }}
      >
        <div className="form-row form-row-end">
          <SelectField
            label="Resource"
            value={resourceType}
            options={AUDIT_RESOURCE_TYPES}
            onChange={setResourceType}
          />
          <TextField
            label="Action"
            code
            value={actionText}
            placeholder="token.created or token."
            problem={actionProblem ? { message: actionProblem, severity: 'error' } : undefined}
            onChange={setActionText}
          />
          <RangeBox
            label="From"
            value={from}
            problemId={rangeProblem ? rangeProblemId : undefined}
            onChange={setFrom}
          />
          <RangeBox
            label="To"
            value={to}
            problemId={rangeProblem ? rangeProblemId : undefined}
            onChange={setTo}
          />
          <button type="submit" className="button">
            Apply filters
          </button>
        </div>
        {rangeProblem ? (
          <FieldProblemText id={rangeProblemId} problem={{ message: rangeProblem, severity: 'error' }} />
        ) : null}
      </form>
      {state.status === 'loading' ? <p className="loading">Loading the audit log…</p> : null}
      {state.status === 'error' ? (
        <AdminError
          error={state.error}
          what="read the audit log of this organization"
          onRetry={() => setGeneration((value) => value + 1)}
        />
      ) : null}
      {state.status === 'ready' ? (
        <>
          <p className="muted small" aria-live="polite">
            {state.count === 0
              ? 'No entry matches.'
              : `Showing ${state.entries.length} of ${state.count} entr${state.count === 1 ? 'y' : 'ies'}, newest first.`}
          </p>
          {state.entries.length > 0 ? (
            <AdminTable
              label="Audit log"
              columns={['When', 'Who', 'Action', 'Resource', 'Result', 'Details']}
            >
              {state.entries.map((entry) => (
                <tr key={entry.id}>
                  <td>
                    <time dateTime={entry.at}>{formatTimestamp(entry.at)}</time>
                  </td>
                  <td>
                    {entry.actor.display}
                    <div className="muted small">{entry.actor.type}</div>
                  </td>
                  <td>
                    <code>{entry.action}</code>
                  </td>
                  <td>
                    {entry.resourceType}
                    <div className="muted small admin-break">{entry.resourceId}</div>
                  </td>
                  <td>{describeAuditResult(entry)}</td>
                  <td className="small admin-break">
                    {describeAuditDetails(entry.details)}
                    {entry.ip ? <div className="muted">from {entry.ip}</div> : null}
                  </td>
                </tr>
              ))}
            </AdminTable>
          ) : null}
          {state.entries.length < state.count ? (
            <div className="pager">
              <button type="button" className="button" disabled={state.more === 'loading'} onClick={loadMore}>
                {state.more === 'loading' ? 'Loading…' : 'Load more'}
              </button>
            </div>
          ) : null}
          {state.more !== 'idle' && state.more !== 'loading' ? (
            <p className="inline-error" role="alert">
              {state.more}
            </p>
          ) : null}
        </>
      ) : null}
    </>
  );
}
