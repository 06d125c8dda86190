/** The trigger part of the test form: one set of fields per trigger type (SPEC §2). */
import { HTTP_METHODS } from '@tracecheck/core';
import { useId, useMemo } from 'react';
import type { FieldProblem } from './check-draft';
import { CheckboxField, KeyValueList, SelectField, TextField } from './form-fields';
import { parseProto } from './parse-proto';
import type { AuthDraft, AuthType, TestDraft } from './test-draft';

type Problems = ReadonlyMap<string, FieldProblem>;
type Update = (change: (draft: TestDraft) => TestDraft) => void;

const AUTH_TYPES: readonly { value: AuthType; label: string }[] = [
  { value: '', label: 'No authentication' },
  { value: 'basic', label: 'Basic' },
  { value: 'bearer', label: 'Bearer token' },
  { value: 'apiKey', label: 'API key' },
];

function AuthFields({
  auth,
  onChange,
}: {
  readonly auth: AuthDraft;
  readonly onChange: (auth: AuthDraft) => void;
}) {
  return (
    <fieldset className="form-group">
      <legend>Authentication</legend>
      <SelectField
        label="Authentication type"
        value={auth.type}
        options={AUTH_TYPES}
        onChange={(type) => onChange({ ...auth, type })}
      />
      {auth.type === 'basic' ? (
        <div className="form-row">
          <TextField
            label="Username"
            value={auth.username}
            onChange={(username) => onChange({ ...auth, username })}
          />
          <TextField
            label="Password"
            type="password"
            value={auth.password}
            onChange={(password) => onChange({ ...auth, password })}
          />
        </div>
      ) : null}
      {auth.type === 'bearer' ? (
        <TextField
          label="Token"
          code
          value={auth.token}
          placeholder="Bearer ${var:TOKEN}"
          hint="Sent verbatim as the Authorization header: write the Bearer prefix if the server expects it."
          onChange={(token) => onChange({ ...auth, token })}
        />
      ) : null}
      {auth.type === 'apiKey' ? (
        <div className="form-row">
          <TextField label="Key name" code value={auth.key} onChange={(key) => onChange({ ...auth, key })} />
          <TextField
            label="Key value"
            code
            value={auth.value}
            onChange={(value) => onChange({ ...auth, value })}
          />
          <SelectField
            label="Send the key in"
            value={auth.in}
            options={[
              { value: 'header', label: 'Header' },
              { value: 'query', label: 'Query string' },
            ]}
            onChange={(where) => onChange({ ...auth, in: where })}
          />
        </div>
      ) : null}
    </fieldset>
  );
}

function HttpFields({ draft, update, problems }: { draft: TestDraft; update: Update; problems: Problems }) {
  const http = draft.http;
  const set = (change: Partial<TestDraft['http']>) =>
    update((d) => ({ ...d, http: { ...d.http, ...change } }));
  return (
    <>
      <div className="form-row">
        <SelectField
          label="Method"
          className="field-narrow"
          value={http.method}
          options={HTTP_METHODS.map((method) => ({ value: method, label: method }))}
          onChange={(method) => set({ method })}
        />
        <TextField
          label="URL"
          className="field-grow"
          code
          required
          value={http.url}
          placeholder="http://shop.local/orders or ${var:BASE_URL}/orders"
          problem={problems.get('http.url')}
          onChange={(url) => set({ url })}
        />
      </div>
      <KeyValueList label="Headers" entries={http.headers} onChange={(headers) => set({ headers })} />
      <TextField label="Body" multiline rows={6} code value={http.body} onChange={(body) => set({ body })} />
      <AuthFields auth={http.auth} onChange={(auth) => set({ auth })} />
      <CheckboxField
        label="Verify TLS certificates"
        checked={http.sslVerification}
        onChange={(sslVerification) => set({ sslVerification })}
      />
    </>
  );
}

/** `package.Service.Method` (or `package.Service/Method`) split into service and method. */
function splitMethod(fullName: string): { service: string; method: string } {
  const slash = fullName.lastIndexOf('/');
  const cut = slash >= 0 ? slash : fullName.lastIndexOf('.');
  return cut < 0
    ? { service: '', method: fullName }
    : { service: fullName.slice(0, cut), method: fullName.slice(cut + 1) };
}

function GrpcFields({ draft, update, problems }: { draft: TestDraft; update: Update; problems: Problems }) {
  const grpc = draft.grpc;
  const set = (change: Partial<TestDraft['grpc']>) =>
    update((d) => ({ ...d, grpc: { ...d.grpc, ...change } }));
  const fileId = useId();
  const parsed = useMemo(
    () => (grpc.protobufFile.trim() === '' ? undefined : parseProto(grpc.protobufFile)),
    [grpc.protobufFile],
  );
  const services = parsed?.ok ? parsed.services : [];
  const chosen = splitMethod(grpc.method);
  const service = services.find((entry) => entry.name === chosen.service);
  return (
    <>
      <div className="form-field">
        <label htmlFor={fileId}>Proto file</label>
        <input
          id={fileId}
          type="file"
          accept=".proto,text/plain"
          onChange={(event) => {
            const file = event.target.files?.[0];
            if (file === undefined) return;
            void file.text().then((text) => {
              const result = parseProto(text);
              const first = result.ok ? result.services.find((entry) => entry.methods.length > 0) : undefined;
              update((d) => ({
                ...d,
                grpc: {
                  ...d.grpc,
                  protobufFile: text,
                  method: first ? `${first.name}.${first.methods[0]!.name}` : d.grpc.method,
                },
              }));
            });
          }}
        />
      </div>
      <TextField
        label="Proto file content"
        multiline
        rows={6}
        code
        required
        value={grpc.protobufFile}
        placeholder={'syntax = "proto3";\npackage shop;\nservice Orders { rpc Create (Req) returns (Res); }'}
        problem={problems.get('grpc.protobufFile')}
        onChange={(protobufFile) => set({ protobufFile })}
      />
      <div className="form-row">
        <SelectField
          label="Service"
          value={service?.name ?? ''}
          options={[
            { value: '', label: services.length === 0 ? 'Upload a proto file first' : 'Pick a service' },
            ...services.map((entry) => ({ value: entry.name, label: entry.name })),
          ]}
          onChange={(name) => {
            const next = services.find((entry) => entry.name === name);
            set({ method: next?.methods[0] ? `${next.name}.${next.methods[0].name}` : '' });
          }}
        />
        <SelectField
          label="Method"
          value={service ? chosen.method : ''}
          options={[
            { value: '', label: service ? 'Pick a method' : '—' },
            ...(service?.methods ?? []).map((method) => ({
              value: method.name,
              label: `${method.name}(${method.requestType}) → ${method.responseType}`,
            })),
          ]}
          onChange={(name) => set({ method: name === '' || !service ? '' : `${service.name}.${name}` })}
        />
      </div>
      {problems.get('grpc.method') ? (
        <p className="field-problem field-problem-error" role="alert">
          {problems.get('grpc.method')?.message}
        </p>
      ) : null}
      <TextField
        label="Address"
        code
        required
        value={grpc.address}
        placeholder="rpc.local:8082"
        problem={problems.get('grpc.address')}
        onChange={(address) => set({ address })}
      />
      <TextField
        label="Request (JSON)"
        multiline
        rows={5}
        code
        value={grpc.request}
        placeholder='{"sku": "${var:SKU}", "qty": 2}'
        problem={problems.get('grpc.request')}
        onChange={(request) => set({ request })}
      />
      <KeyValueList label="Metadata" entries={grpc.metadata} onChange={(metadata) => set({ metadata })} />
    </>
  );
}

function GraphqlFields({
  draft,
  update,
  problems,
}: {
  draft: TestDraft;
  update: Update;
  problems: Problems;
}) {
  const graphql = draft.graphql;
  const set = (change: Partial<TestDraft['graphql']>) =>
    update((d) => ({ ...d, graphql: { ...d.graphql, ...change } }));
  return (
    <>
      <TextField
        label="URL"
        code
        required
        value={graphql.url}
        placeholder="https://api.local/graphql"
        problem={problems.get('graphql.url')}
        onChange={(url) => set({ url })}
      />
      <TextField
        label="Query"
        multiline
        rows={6}
        code
        required
        value={graphql.query}
        placeholder="query Order($id: ID!) { order(id: $id) { id total } }"
        problem={problems.get('graphql.query')}
        onChange={(query) => set({ query })}
      />
      <div className="form-row">
        <TextField
          label="Variables (JSON)"
          multiline
          rows={3}
          code
          value={graphql.variables}
          placeholder='{"id": "7"}'
          problem={problems.get('graphql.variables')}
          onChange={(variables) => set({ variables })}
        />
        <TextField
          label="Operation name"
          code
          value={graphql.operationName}
          onChange={(operationName) => set({ operationName })}
        />
      </div>
      <TextField
        label="Schema"
        multiline
        rows={4}
        code
        value={graphql.schema}
        hint="The schema text (SDL); kept with the test for reference."
        onChange={(schema) => set({ schema })}
      />
      <KeyValueList label="Headers" entries={graphql.headers} onChange={(headers) => set({ headers })} />
      <AuthFields auth={graphql.auth} onChange={(auth) => set({ auth })} />
      <CheckboxField
        label="Verify TLS certificates"
        checked={graphql.sslVerification}
        onChange={(sslVerification) => set({ sslVerification })}
      />
    </>
  );
}

function KafkaFields({ draft, update, problems }: { draft: TestDraft; update: Update; problems: Problems }) {
  const kafka = draft.kafka;
  const set = (change: Partial<TestDraft['kafka']>) =>
    update((d) => ({ ...d, kafka: { ...d.kafka, ...change } }));
  return (
    <>
      <TextField
        label="Brokers"
        multiline
        rows={2}
        code
        required
        value={kafka.brokerUrls}
        placeholder="kafka:9092"
        hint="One host:port per line."
        problem={problems.get('kafka.brokerUrls')}
        onChange={(brokerUrls) => set({ brokerUrls })}
      />
      <TextField
        label="Topic"
        code
        required
        value={kafka.topic}
        problem={problems.get('kafka.topic')}
        onChange={(topic) => set({ topic })}
      />
      <TextField
        label="Message key"
        code
        value={kafka.messageKey}
        onChange={(messageKey) => set({ messageKey })}
      />
      <TextField
        label="Message value"
        multiline
        rows={5}
        code
        required
        value={kafka.messageValue}
        problem={problems.get('kafka.messageValue')}
        onChange={(messageValue) => set({ messageValue })}
      />
      <KeyValueList label="Headers" entries={kafka.headers} onChange={(headers) => set({ headers })} />
      <fieldset className="form-group">
        <legend>SASL/PLAIN authentication</legend>
        <div className="form-row">
          <TextField label="Username" value={kafka.username} onChange={(username) => set({ username })} />
          <TextField
            label="Password"
            type="password"
            value={kafka.password}
            onChange={(password) => set({ password })}
          />
        </div>
      </fieldset>
      <CheckboxField
        label="Use TLS"
        checked={kafka.sslVerification}
        onChange={(sslVerification) => set({ sslVerification })}
      />
    </>
  );
}

/** The fields of the draft's trigger type. */
export function TriggerForm({
  draft,
  update,
  problems,
}: {
  draft: TestDraft;
  update: Update;
  problems: Problems;
}) {
  switch (draft.triggerType) {
    case 'http':
      return <HttpFields draft={draft} update={update} problems={problems} />;
    case 'grpc':
      return <GrpcFields draft={draft} update={update} problems={problems} />;
    case 'graphql':
      return <GraphqlFields draft={draft} update={update} problems={problems} />;
    case 'kafka':
      return <KafkaFields draft={draft} update={update} problems={problems} />;
    case 'traceid':
      return (
        <TextField
          label="Trace id"
          code
          required
          value={draft.traceid.id}
          hint="32 hex digits, or an expression that gives them, e.g. ${var:TRACE_ID}. Nothing is sent: the run reads that trace."
          problem={problems.get('traceid.id')}
          onChange={(id) => update((d) => ({ ...d, traceid: { id } }))}
        />
      );
    default:
      return (
        <p className="empty-hint">
          This test's <code>{draft.triggerType}</code> trigger is kept as it is; edit it in the YAML and apply
          it with <code>tracecheck apply test -f</code>.
        </p>
      );
  }
}
