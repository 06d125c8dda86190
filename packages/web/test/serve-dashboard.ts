/**
 * Serves the built dashboard and a small fake of the API routes its pages call, for the browser test
 * and the timeline benchmark only. The real server (`packages/server/src/api/`) serves the same
 * routes with the same shapes; the browser test moves to it once the server serves the assets.
 */
import { readFile, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { decodeOtlpJson, encodeOtlpProtobuf } from '@tracecheck/core';
import type { TestRunView } from '../src/api/api-types';
import type { DashboardFixtures } from './dashboard-fixtures';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json; charset=utf-8',
};

export interface DashboardServer {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** API requests received, as `METHOD /path?query`, in order. */
  readonly requests: readonly string[];
  close(): Promise<void>;
}

function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  response.end(text);
}

function notFound(response: ServerResponse, detail: string): void {
  sendJson(response, 404, { status: 404, code: 'NOT_FOUND', detail });
}

/** Pause between two live events of a scripted run: long enough to see each one land. */
const LIVE_EVENT_INTERVAL_MS = 400;

/** What changes while the fake serves: live runs that logged a line, and those whose stream ended. */
interface FakeState {
  readonly logged: Set<string>;
  readonly ended: Set<string>;
  /** The OTLP/protobuf form of each fixture trace, encoded on first request. */
  readonly protobuf: Map<string, Uint8Array>;
}

function keyOf(run: TestRunView): string {
  return `${run.testId}/${run.id}`;
}

/** A run as it reads now: a live run reads as its final form once its stream ended. */
function currentRun(fixtures: DashboardFixtures, state: FakeState, run: TestRunView): TestRunView {
  const script = fixtures.live.get(keyOf(run));
  return script && state.ended.has(keyOf(run)) ? script.finalRun : run;
}

/**
 * The event stream of a run, as the real one: the current state first, then (for a live run that has
 * not ended) each scripted event; the stream ends after the final state.
 */
function streamRun(
  fixtures: DashboardFixtures,
  state: FakeState,
  run: TestRunView,
  response: ServerResponse,
): void {
  const key = keyOf(run);
  const script = state.ended.has(key) ? undefined : fixtures.live.get(key);
  const current = currentRun(fixtures, state, run);
  const send = (event: unknown) => response.write(`data: ${JSON.stringify(event)}\n\n`);
  response.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
  });
  response.write(': connected\n\n');
  send({ type: 'run', runId: Number(run.id), testId: run.testId, state: current.state, payload: current });
  if (script === undefined) {
    response.end();
    return;
  }
  script.events.forEach((event, index) => {
    const last = index === script.events.length - 1;
    setTimeout(
      () => {
        if (last) state.ended.add(key);
        if ((event as { type?: string }).type === 'run-event') state.logged.add(key);
        send(event);
        if (last) response.end();
      },
      (index + 1) * LIVE_EVENT_INTERVAL_MS,
    );
  });
}

/** Answers the API routes the dashboard calls, from the fixtures. */
function answerApi(
  fixtures: DashboardFixtures,
  state: FakeState,
  request: IncomingMessage,
  response: ServerResponse,
  url: URL,
): void {
  const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
  const [, resource, testId, runSegment, runId, extra] = parts;
  if (request.method !== 'GET') {
    sendJson(response, 405, { status: 405, code: 'REQUEST_INVALID', detail: 'the fake API only reads' });
    return;
  }
  const runs = fixtures.runs.map((run) => currentRun(fixtures, state, run));
  if (resource === 'runs' && testId === undefined) {
    const states = url.searchParams.get('state')?.split(',');
    const filterTestId = url.searchParams.get('testId');
    const items = runs.filter(
      (run) => (!states || states.includes(run.state)) && (!filterTestId || run.testId === filterTestId),
    );
    sendJson(response, 200, { count: items.length, items });
    return;
  }
  if (resource === 'events' && testId === 'stream') {
    const run = fixtures.runs.find((candidate) => candidate.id === url.searchParams.get('runId'));
    if (run === undefined) notFound(response, 'no such run');
    else streamRun(fixtures, state, run, response);
    return;
  }
  if (resource !== 'tests') {
    notFound(response, `the fake API has no route ${url.pathname}`);
    return;
  }
  if (testId === undefined) {
    const query = url.searchParams.get('query')?.toLowerCase() ?? '';
    const items = fixtures.tests.filter(
      ({ spec }) => spec.name.toLowerCase().includes(query) || spec.id.toLowerCase().includes(query),
    );
    sendJson(response, 200, { count: items.length, items });
    return;
  }
  const test = fixtures.tests.find(({ spec }) => spec.id === testId);
  if (test === undefined) {
    notFound(
      response,
      `test "${testId}" not found in this environment: list tests with \`tracecheck list test\``,
    );
    return;
  }
  if (runSegment === undefined) {
    if ((request.headers.accept ?? '').includes('yaml')) {
      response.writeHead(200, { 'content-type': 'text/yaml; charset=utf-8' });
      response.end(fixtures.yaml.get(testId) ?? `type: Test\nspec:\n  id: ${testId}\n`);
      return;
    }
    sendJson(response, 200, test);
    return;
  }
  const testRuns = runs.filter((run) => run.testId === testId);
  if (runId === undefined) {
    sendJson(response, 200, testRuns, { 'x-total-count': String(testRuns.length) });
    return;
  }
  const run = testRuns.find((candidate) => candidate.id === runId);
  if (run === undefined) {
    notFound(response, `run ${runId} of test "${testId}" not found in this environment`);
    return;
  }
  const key = keyOf(run);
  const script = fixtures.live.get(key);
  // A live run has nothing stored until its stream ended.
  const stored = script === undefined || state.ended.has(key);
  if (extra === undefined) sendJson(response, 200, run);
  else if (extra === 'events') {
    const logged = stored || state.logged.has(key);
    sendJson(response, 200, script ? (logged ? script.finalEvents : []) : (fixtures.events.get(key) ?? []));
  } else if (extra === 'trace') {
    const trace = stored ? fixtures.traces.get(key) : undefined;
    if (trace === undefined) notFound(response, `run ${runId} has no trace yet`);
    else if (/application\/(x-)?protobuf/.test(request.headers.accept ?? '')) {
      // As the real server: OTLP/protobuf when asked for (the dashboard does), else OTLP/JSON.
      let bytes = state.protobuf.get(key);
      if (bytes === undefined) {
        bytes = encodeOtlpProtobuf(decodeOtlpJson(trace));
        state.protobuf.set(key, bytes);
      }
      response.writeHead(200, { 'content-type': 'application/x-protobuf' });
      response.end(bytes);
    } else sendJson(response, 200, trace);
  } else notFound(response, `the fake API has no route ${url.pathname}`);
}

/** Serves a file of `distDir`, or `index.html` for a page path (the dashboard routes in the browser). */
async function answerAsset(distDir: string, response: ServerResponse, url: URL): Promise<void> {
  const relative = path.normalize(decodeURIComponent(url.pathname)).replace(/^(\.\.[/\\])+/, '');
  let file = path.join(distDir, relative);
  const info = await stat(file).catch(() => null);
  if (info === null || !info.isFile() || !file.startsWith(distDir)) file = path.join(distDir, 'index.html');
  const body = await readFile(file);
  response.writeHead(200, {
    'content-type': CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream',
  });
  response.end(body);
}

/**
 * Starts the server on a free loopback port.
 * @example const server = await serveDashboard(distDir, createDashboardFixtures(1000)); await server.close();
 */
export async function serveDashboard(distDir: string, fixtures: DashboardFixtures): Promise<DashboardServer> {
  const requests: string[] = [];
  const state: FakeState = { logged: new Set(), ended: new Set(), protobuf: new Map() };
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    if (url.pathname.startsWith('/api/')) {
      requests.push(`${request.method} ${url.pathname}${url.search}`);
      answerApi(fixtures, state, request, response, url);
      return;
    }
    answerAsset(distDir, response, url).catch((error: unknown) => {
      response.writeHead(500, { 'content-type': 'text/plain' });
      response.end(
        `cannot serve ${url.pathname}: ${String(error)}; was the dashboard built (npm run build -w @tracecheck/web)?`,
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
