/**
 * Run pipeline benchmarks on the embedded mode (PGlite in memory, in-process queue, bus and agent):
 *  (a) verdict latency: from the moment the agent accepted the last span of a trace to the verdict,
 *      median and p99 over 50 runs, against the settle window measured as the baseline;
 *  (b) trigger-to-verdict time of a typical HTTP test whose service exports its spans 100 ms late;
 *  (c) completed runs per second with 200 runs in flight.
 * Run: node --import tsx bench/pipeline.ts
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import { createAgent, createAgentLinkSession } from '@tracecheck/agent';
import {
  createControlPlane,
  createMemoryEventBus,
  createMemoryQueue,
  createPgliteStore,
  type LiveEvent,
  type Scope,
} from '@tracecheck/server';
import { pino } from 'pino';

const SCOPE: Scope = { organizationId: 'bench', environmentId: 'default' };
const SETTLE_MS = 300;

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** A service that answers at once and exports two spans `exportDelayMs` later, as an SDK batch would. */
function startService(tracesUrl: string, exportDelayMs: number) {
  const lastSpanAt = new Map<string, number>();
  const server = http.createServer((req, res) => {
    const [, traceId, parent] = String(req.headers.traceparent ?? '').split('-');
    res.writeHead(201, { 'content-type': 'application/json' });
    res.end('{"id":7}');
    const now = BigInt(Date.now()) * 1_000_000n;
    const span = (id: string, parentId: string, name: string, attrs: Record<string, string>) => ({
      traceId,
      spanId: id,
      parentSpanId: parentId,
      name,
      kind: 2,
      startTimeUnixNano: String(now),
      endTimeUnixNano: String(now + 5_000_000n),
      attributes: Object.entries(attrs).map(([key, value]) => ({ key, value: { stringValue: value } })),
    });
    setTimeout(async () => {
      const body = JSON.stringify({
        resourceSpans: [
          {
            resource: { attributes: [{ key: 'service.name', value: { stringValue: 'orders' } }] },
            scopeSpans: [
              {
                spans: [
                  span('00000000000000a1', parent!, 'POST /orders', {
                    'http.method': 'POST',
                    'http.status_code': '201',
                  }),
                  span('00000000000000a2', '00000000000000a1', 'INSERT orders', {
                    'db.system': 'postgresql',
                  }),
                ],
              },
            ],
          },
        ],
      });
      await fetch(tracesUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      lastSpanAt.set(traceId!, Date.now());
    }, exportDelayMs);
  });
  return new Promise<{ url: string; lastSpanAt: Map<string, number>; close: () => void }>((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        lastSpanAt,
        close: () => server.close(),
      }),
    ),
  );
}

export interface PipelineBenchResult {
  readonly settleMs: number;
  readonly verdictLatencyP50Ms: number;
  readonly verdictLatencyP99Ms: number;
  readonly triggerToVerdictP50Ms: number;
  readonly runsPerSecond: number;
  readonly inFlight: number;
}

export async function runPipelineBench(): Promise<PipelineBenchResult> {
  const logger = pino({ level: 'error' });
  const store = await createPgliteStore();
  await store.upsertOrganization({ id: SCOPE.organizationId, name: 'bench' });
  await store.upsertEnvironment(SCOPE, 'default');
  const queue = createMemoryQueue({ maxDeliveries: 3, backoffMs: [100], ackTimeoutMs: 30_000, logger });
  const bus = createMemoryEventBus({ logger });
  const agent = createAgent(
    { otlpServer: { host: '127.0.0.1', grpcPort: 0, httpPort: 0 }, logLevel: 'error' },
    { logger },
  );
  const session = createAgentLinkSession(agent, { agentVersion: 'bench', name: 'bench' });
  const plane = createControlPlane({
    mode: 'embedded',
    store,
    queue,
    bus,
    logger,
    version: 'bench',
    http: { host: '127.0.0.1', port: 0 },
    defaultScope: SCOPE,
    embeddedAgent: (send) => session.open(send),
    pipeline: { settleMs: SETTLE_MS },
  });
  const addresses = await agent.start();
  const { url } = await plane.start();
  const api = `${url}/api`;
  const finals = new Map<number, (run: { completedAt: number }) => void>();
  await bus.subscribe(`${SCOPE.organizationId}.${SCOPE.environmentId}`, (event: LiveEvent) => {
    const final = [
      'FINISHED',
      'TRIGGER_FAILED',
      'TRACE_FAILED',
      'ANALYZING_ERROR',
      'ASSERTION_FAILED',
      'STOPPED',
    ];
    if (event.type === 'run' && event.state && final.includes(event.state)) {
      finals.get(event.runId)?.({ completedAt: Date.now() });
    }
  });

  async function applyTest(serviceUrl: string): Promise<string> {
    const res = await fetch(`${api}/tests`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        type: 'Test',
        spec: {
          name: 'bench order',
          trigger: { type: 'http', httpRequest: { method: 'POST', url: `${serviceUrl}/orders` } },
          specs: [
            { selector: 'span[name="POST /orders"]', assertions: ['attr:http.status_code = 201'] },
            {
              selector: 'span[tracetest.span.type="database"]',
              assertions: ['attr:db.system = "postgresql"'],
            },
          ],
        },
      }),
    });
    return ((await res.json()) as { spec: { id: string } }).spec.id;
  }

  async function runOnce(
    testId: string,
  ): Promise<{ runId: number; startedAt: number; completedAt: number; traceId: string }> {
    const startedAt = Date.now();
    const res = await fetch(`${api}/tests/${testId}/run`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    const run = (await res.json()) as { id: string; traceId: string };
    const runId = Number(run.id);
    const done = new Promise<{ completedAt: number }>((resolve) => finals.set(runId, resolve));
    const { completedAt } = await done;
    finals.delete(runId);
    return { runId, startedAt, completedAt, traceId: run.traceId };
  }

  const tracesUrl = `${addresses.otlpHttp!.endpoint}/v1/traces`;
  const service = await startService(tracesUrl, 100);
  const testId = await applyTest(service.url);
  await runOnce(testId); // warm-up

  const latencies: number[] = [];
  const triggerToVerdict: number[] = [];
  for (let i = 0; i < 50; i++) {
    const r = await runOnce(testId);
    const lastSpan = service.lastSpanAt.get(r.traceId)!;
    latencies.push(r.completedAt - lastSpan);
    triggerToVerdict.push(r.completedAt - r.startedAt);
  }
  latencies.sort((a, b) => a - b);
  triggerToVerdict.sort((a, b) => a - b);

  const inFlight = 200;
  const t0 = Date.now();
  await Promise.all(Array.from({ length: inFlight }, () => runOnce(testId)));
  const runsPerSecond = inFlight / ((Date.now() - t0) / 1000);

  service.close();
  await plane.stop();
  session.close();
  await agent.stop();
  return {
    settleMs: SETTLE_MS,
    verdictLatencyP50Ms: percentile(latencies, 50),
    verdictLatencyP99Ms: percentile(latencies, 99),
    triggerToVerdictP50Ms: percentile(triggerToVerdict, 50),
    runsPerSecond,
    inFlight,
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const r = await runPipelineBench();
  console.log('Run pipeline, embedded mode (PGlite in memory, in-process queue and agent)');
  console.log(`  settle window (baseline)              ${r.settleMs} ms`);
  console.log(
    `  verdict latency after the last span   p50 ${r.verdictLatencyP50Ms} ms, p99 ${r.verdictLatencyP99Ms} ms (p50 - settle = ${r.verdictLatencyP50Ms - r.settleMs} ms; target <= 50 ms)`,
  );
  console.log(
    `  trigger to verdict, 100 ms export delay p50 ${r.triggerToVerdictP50Ms} ms (target <= 1000 ms)`,
  );
  console.log(`  completed runs with ${r.inFlight} in flight   ${r.runsPerSecond.toFixed(1)} runs/s`);
}
