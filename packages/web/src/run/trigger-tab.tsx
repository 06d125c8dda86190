/**
 * The Trigger tab: the request as it was sent (variables resolved) and what came back, or why nothing
 * came back.
 */
import type { KeyValueView, TestRunView, TestView, TriggerErrorView, TriggerView } from '../api/api-types';
import { CopyButton } from '../components/copy-button';

/** A body as people read it: JSON pretty-printed with two spaces, anything else as it is. */
export function prettyBody(body: string): { readonly text: string; readonly json: boolean } {
  const trimmed = body.trim();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      return { text: JSON.stringify(JSON.parse(trimmed), null, 2), json: true };
    } catch {
      // Looks like JSON but is not: show it unchanged.
    }
  }
  return { text: body, json: false };
}

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

function asText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return '';
}

function asHeaders(value: unknown): KeyValueView[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((entry) => {
    const record = asRecord(entry);
    return typeof record.key === 'string' ? [{ key: record.key, value: asText(record.value) }] : [];
  });
}

function HeaderTable({
  headers,
  caption,
}: {
  readonly headers: readonly KeyValueView[];
  readonly caption: string;
}) {
  if (headers.length === 0) return <p className="muted">No {caption.toLowerCase()}.</p>;
  return (
    <table className="kv-table">
      <caption>{caption}</caption>
      <tbody>
        {headers.map((header, index) => (
          // Headers may repeat a name; their order is what was sent.
          // biome-ignore lint/suspicious/noArrayIndexKey: a header list is fixed once sent
          <tr key={index}>
            <th scope="row">{header.key}</th>
            <td>{header.value}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Body({ body, label }: { readonly body: string; readonly label: string }) {
  if (body === '') return <p className="muted">No {label.toLowerCase()}.</p>;
  const pretty = prettyBody(body);
  return (
    <div className="body-view">
      <div className="body-view-header">
        <span>
          {label}
          {pretty.json ? <span className="muted"> · JSON</span> : null}
        </span>
        <CopyButton text={pretty.text} />
      </div>
      <pre className="code-view">
        <code>{pretty.text}</code>
      </pre>
    </div>
  );
}

/** The request of a trigger, by type; other types show their fields as JSON. */
function Request({ trigger }: { readonly trigger: TriggerView }) {
  const request = asRecord(trigger[trigger.type === 'http' ? 'httpRequest' : trigger.type]);
  switch (trigger.type) {
    case 'http':
      return (
        <>
          <p className="request-line">
            <span className="method">{asText(request.method) || 'GET'}</span>{' '}
            <code>{asText(request.url)}</code>
          </p>
          <HeaderTable headers={asHeaders(request.headers)} caption="Headers" />
          <Body body={asText(request.body)} label="Body" />
        </>
      );
    case 'grpc':
      return (
        <>
          <p className="request-line">
            <span className="method">gRPC</span> <code>{asText(request.address)}</code>{' '}
            <code>{asText(request.method)}</code>
          </p>
          <HeaderTable headers={asHeaders(request.metadata)} caption="Metadata" />
          <Body body={asText(request.request)} label="Message" />
        </>
      );
    default:
      return <Body body={JSON.stringify(request, null, 2)} label={`${trigger.type} request`} />;
  }
}

function TriggerError({ error }: { readonly error: TriggerErrorView }) {
  return (
    <div className="error-message" role="alert">
      <p>
        <strong>The trigger failed.</strong> {error.message}
      </p>
      {error.hint ? <p>{error.hint}</p> : null}
      {error.targetsLocalhost && error.runningOnContainer ? (
        <p>
          The agent runs in a container, where <code>localhost</code> is the container itself: use the host's
          address (for example <code>host.docker.internal</code>) or the service's name on the container
          network.
        </p>
      ) : null}
    </div>
  );
}

/** The response of a trigger, by type. */
function Response({ run }: { readonly run: TestRunView }) {
  const result = run.triggerResult;
  if (result === null) {
    return (
      <p className="empty-hint">
        {run.state === 'CREATED' || run.state === 'EXECUTING'
          ? 'The trigger has not answered yet.'
          : 'This run has no trigger response.'}
      </p>
    );
  }
  if (result.error) return <TriggerError error={result.error} />;
  // The agent keys the response by the trigger type (SPEC §2.11); Tracetest's API named it `<type>Response`.
  const response = asRecord(result[result.type] ?? result[`${result.type}Response`]);
  switch (result.type) {
    case 'http':
    case 'graphql': {
      const statusCode = typeof response.statusCode === 'number' ? response.statusCode : 0;
      return (
        <>
          <p className="request-line">
            <span className={`status-code ${statusCode >= 400 ? 'is-bad' : 'is-good'}`}>
              {asText(response.status) || statusCode}
            </span>{' '}
            <span className="muted">in {run.triggerTime} ms</span>
          </p>
          <HeaderTable headers={asHeaders(response.headers)} caption="Headers" />
          <Body body={asText(response.body)} label="Body" />
        </>
      );
    }
    case 'grpc':
      return (
        <>
          <p className="request-line">
            <span className={`status-code ${response.statusCode === 0 ? 'is-good' : 'is-bad'}`}>
              {asText(response.status)}
            </span>{' '}
            <span className="muted">in {run.triggerTime} ms</span>
          </p>
          <HeaderTable headers={asHeaders(response.metadata)} caption="Metadata" />
          <Body body={asText(response.body)} label="Message" />
        </>
      );
    default:
      return <Body body={JSON.stringify(response, null, 2)} label={`${result.type} response`} />;
  }
}

export function TriggerTab({ run, test }: { readonly run: TestRunView; readonly test: TestView | null }) {
  // The resolved trigger shows what was really sent; before it exists, the test's own trigger.
  const trigger = run.resolvedTrigger ?? test?.trigger ?? null;
  return (
    <div className="trigger-tab">
      <section className="panel" aria-labelledby="trigger-request-title">
        <h2 id="trigger-request-title">Request</h2>
        {run.resolvedTrigger === null && trigger !== null ? (
          <p className="muted small">
            As written in the test; variables are resolved when the trigger is sent.
          </p>
        ) : null}
        {trigger === null ? (
          <p className="empty-hint">The test's trigger is not available.</p>
        ) : (
          <Request trigger={trigger} />
        )}
      </section>
      <section className="panel" aria-labelledby="trigger-response-title">
        <h2 id="trigger-response-title">Response</h2>
        <Response run={run} />
      </section>
    </div>
  );
}
