/**
 * Starts a test from something that already exists: a cURL command, a request of a Postman
 * collection, or a Tracetest/Tracecheck YAML definition (read with core's `parseDefinition`, every
 * problem shown with its line).
 */
import { type Problem, parseDefinition } from '@tracecheck/core';
import { useId, useState } from 'react';
import type { TestView } from '../api/api-types';
import { parseCurl } from './parse-curl';
import { type PostmanRequest, parsePostmanCollection } from './parse-postman';
import { draftFromTest, EMPTY_AUTH, type TestDraft } from './test-draft';

type Source = 'curl' | 'postman' | 'yaml';

const SOURCES: readonly { value: Source; label: string }[] = [
  { value: 'curl', label: 'cURL' },
  { value: 'postman', label: 'Postman' },
  { value: 'yaml', label: 'YAML' },
];

/** A name for a test made from a request: `POST /orders`. */
function nameOfRequest(method: string, url: string): string {
  const path = url.replace(/^[a-z]+:\/\/[^/]+/i, '').split('?')[0] || '/';
  return `${method} ${path}`;
}

function withHttpRequest(
  draft: TestDraft,
  request: Omit<PostmanRequest, 'name' | 'auth'> & {
    auth: TestDraft['http']['auth'];
    sslVerification: boolean;
  },
  name: string,
): TestDraft {
  return {
    ...draft,
    name: draft.name.trim() === '' ? name : draft.name,
    triggerType: 'http',
    http: {
      method: request.method,
      url: request.url,
      headers: [...request.headers],
      body: request.body,
      auth: request.auth,
      sslVerification: request.sslVerification,
    },
  };
}

function authOfPostman(auth: PostmanRequest['auth']): TestDraft['http']['auth'] {
  switch (auth?.type) {
    case 'basic':
      return { ...EMPTY_AUTH, type: 'basic', username: auth.username, password: auth.password };
    case 'bearer':
      return { ...EMPTY_AUTH, type: 'bearer', token: auth.token };
    case 'apiKey':
      return { ...EMPTY_AUTH, type: 'apiKey', key: auth.key, value: auth.value, in: auth.in };
    default:
      return EMPTY_AUTH;
  }
}

function describeProblem(problem: Problem): string {
  return `line ${problem.line}, column ${problem.column}${problem.path ? ` (${problem.path})` : ''}: ${problem.message}`;
}

export function ImportPanel({
  onImport,
  onClose,
}: {
  readonly onImport: (change: (draft: TestDraft) => TestDraft, summary: string) => void;
  readonly onClose: () => void;
}) {
  const [source, setSource] = useState<Source>('curl');
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [problems, setProblems] = useState<readonly Problem[]>([]);
  const [postman, setPostman] = useState<readonly PostmanRequest[]>([]);
  const [picked, setPicked] = useState(0);
  const textId = useId();
  const fileId = useId();
  const pickId = useId();

  const reset = () => {
    setError(null);
    setProblems([]);
  };

  const importCurl = () => {
    const parsed = parseCurl(text);
    if (!parsed.ok) return setError(parsed.error);
    const { request } = parsed;
    const auth = request.basicAuth
      ? {
          ...EMPTY_AUTH,
          type: 'basic' as const,
          username: request.basicAuth.username,
          password: request.basicAuth.password,
        }
      : EMPTY_AUTH;
    onImport(
      (draft) =>
        withHttpRequest(
          draft,
          {
            method: request.method,
            url: request.url,
            headers: request.headers,
            body: request.body,
            auth,
            sslVerification: request.sslVerification,
          },
          nameOfRequest(request.method, request.url),
        ),
      `Imported ${request.method} ${request.url}${parsed.ignored.length > 0 ? ` (ignored ${parsed.ignored.join(' ')})` : ''}.`,
    );
  };

  const readPostman = (json: string) => {
    reset();
    const parsed = parsePostmanCollection(json);
    if (!parsed.ok) {
      setPostman([]);
      return setError(parsed.error);
    }
    setPostman(parsed.requests);
    setPicked(0);
  };

  const importPostman = () => {
    const request = postman[picked];
    if (request === undefined) return setError('open a collection file first, then pick one of its requests');
    onImport(
      (draft) =>
        withHttpRequest(
          draft,
          { ...request, auth: authOfPostman(request.auth), sslVerification: false },
          request.name || nameOfRequest(request.method, request.url),
        ),
      `Imported “${request.name}” from the collection.`,
    );
  };

  const importYaml = () => {
    const parsed = parseDefinition(text);
    const errors = parsed.problems.filter((problem) => problem.severity === 'error');
    if (errors.length > 0 || parsed.resource === undefined) {
      setProblems(errors);
      return setError(`the definition has ${errors.length} problem${errors.length === 1 ? '' : 's'}:`);
    }
    if (parsed.resource.type !== 'Test') {
      return setError(`this is a ${parsed.resource.type} definition: paste a definition with type: Test`);
    }
    const imported = draftFromTest(parsed.resource.spec as unknown as TestView);
    onImport(
      (draft) => ({ ...imported, ...(draft.id ? { id: draft.id } : imported.id ? { id: imported.id } : {}) }),
      `Imported the test “${imported.name}”${parsed.problems.length > 0 ? ` with ${parsed.problems.length} warning(s)` : ''}.`,
    );
  };

  return (
    <section className="import-panel" aria-labelledby="import-title">
      <div className="editor-card-header">
        <h2 id="import-title">Import</h2>
        <button type="button" className="button button-small" onClick={onClose}>
          Close import
        </button>
      </div>
      <div className="segmented" role="radiogroup" aria-label="Import from">
        {SOURCES.map((entry) => (
          <label key={entry.value} className={`segment${source === entry.value ? ' segment-active' : ''}`}>
            <input
              type="radio"
              name="import-source"
              value={entry.value}
              checked={source === entry.value}
              onChange={() => {
                reset();
                setSource(entry.value);
              }}
            />
            {entry.label}
          </label>
        ))}
      </div>
      {source === 'postman' ? (
        <>
          <div className="form-field">
            <label htmlFor={fileId}>Postman collection file (v2.1 JSON)</label>
            <input
              id={fileId}
              type="file"
              accept=".json,application/json"
              onChange={(event) => {
                const file = event.target.files?.[0];
                if (file) void file.text().then(readPostman);
              }}
            />
          </div>
          {postman.length > 0 ? (
            <div className="form-field">
              <label htmlFor={pickId}>Request</label>
              <select id={pickId} value={picked} onChange={(event) => setPicked(Number(event.target.value))}>
                {postman.map((request, index) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: requests of a collection may share a name
                  <option key={`${request.name}-${index}`} value={index}>
                    {request.name} — {request.method} {request.url}
                  </option>
                ))}
              </select>
            </div>
          ) : null}
        </>
      ) : (
        <div className="form-field">
          <label htmlFor={textId}>{source === 'curl' ? 'cURL command' : 'YAML definition'}</label>
          <textarea
            id={textId}
            className="code-input"
            spellCheck={false}
            rows={source === 'curl' ? 4 : 12}
            value={text}
            placeholder={
              source === 'curl'
                ? "curl -X POST https://shop.local/orders -H 'Content-Type: application/json' -d '{\"qty\": 2}'"
                : 'type: Test\nspec:\n  name: …'
            }
            onChange={(event) => {
              reset();
              setText(event.target.value);
            }}
          />
        </div>
      )}
      {error ? (
        <div className="error-message" role="alert">
          <p>{error}</p>
          {problems.length > 0 ? (
            <ul className="problem-list">
              {problems.map((problem) => (
                <li key={`${problem.line}:${problem.column}:${problem.message}`}>
                  {describeProblem(problem)}
                </li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}
      <button
        type="button"
        className="button button-primary"
        onClick={() => {
          reset();
          if (source === 'curl') importCurl();
          else if (source === 'postman') importPostman();
          else importYaml();
        }}
      >
        Import into the form
      </button>
    </section>
  );
}
