import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LiveEvent } from '../events/event-bus';
import { TestRunSchema } from './api-schemas';
import { type ApiHarness, createApiHarness, OTHER_SCOPE, SCOPE } from './api-test-harness';
import { createLiveEventExpander } from './expand-live-events';

const RESULT = { allPassed: true, results: [] };
let h: ApiHarness;
let runA: number;
let runB: number;

beforeAll(async () => {
  h = await createApiHarness();
  const applied = await h.app.inject({
    method: 'PUT',
    url: '/api/tests',
    headers: { 'content-type': 'text/yaml' },
    payload:
      'type: Test\nspec:\n  id: expanded\n  name: expanded\n  trigger:\n    type: http\n    httpRequest:\n      method: GET\n      url: http://shop.local/\n',
  });
  expect(applied.statusCode).toBeLessThan(300);
  const start = async () =>
    Number(
      TestRunSchema.parse((await h.app.inject({ method: 'POST', url: '/api/tests/expanded/run' })).json()).id,
    );
  runA = await start();
  runB = await start();
  await h.store.transitionRun(SCOPE, runA, ['CREATED'], { state: 'EXECUTING', result: RESULT });
});
afterAll(async () => {
  await h.close();
});

function slim(runId: number, state: string): LiveEvent {
  const base = { organizationId: SCOPE.organizationId, environmentId: SCOPE.environmentId };
  return { ...base, type: 'run', runId, state, partial: true, payload: { id: String(runId) } };
}

function runEvent(runId: number, title: string): LiveEvent {
  const base = { organizationId: SCOPE.organizationId, environmentId: SCOPE.environmentId };
  return { ...base, type: 'run-event', runId, payload: { title } };
}

/** Waits until `sent` has `count` events. */
async function until(sent: readonly LiveEvent[], count: number): Promise<void> {
  await expect.poll(() => sent.length, { timeout: 10_000 }).toBe(count);
}

describe('createLiveEventExpander', () => {
  it('sends slim runs whole, in order, one read for slim events of a run queued together', async () => {
    const sent: LiveEvent[] = [];
    const expander = createLiveEventExpander({ store: h.store, scope: SCOPE, now: h.clock.now });
    const send = (event: LiveEvent) => sent.push(event);
    expander.push(slim(runA, 'CREATED'), send);
    expander.push(slim(runB, 'CREATED'), send);
    expander.push(slim(runA, 'AWAITING_TRACE'), send);
    expander.push(runEvent(runA, 'collected'), send);
    expander.push(slim(runA, 'EXECUTING'), send);
    await until(sent, 4);
    expect(sent.map((event) => `${event.type}:${event.runId}:${event.state ?? ''}`)).toEqual([
      `run:${runA}:EXECUTING`,
      `run:${runB}:CREATED`,
      `run-event:${runA}:`,
      `run:${runA}:EXECUTING`,
    ]);
    expect(sent[0]).not.toHaveProperty('partial');
    expect(TestRunSchema.parse(sent[0]?.payload).result).toEqual(RESULT);
  });

  it('passes events that are not slim unchanged, at once', () => {
    const sent: LiveEvent[] = [];
    const expander = createLiveEventExpander({ store: h.store, scope: SCOPE, now: h.clock.now });
    const send = (event: LiveEvent) => sent.push(event);
    const whole: LiveEvent = { ...slim(runA, 'EXECUTING'), partial: undefined, payload: { whole: true } };
    expander.push(whole, send);
    expander.push(runEvent(runA, 'started'), send);
    expect(sent).toEqual([whole, runEvent(runA, 'started')]);
  });

  it('keeps the order across the subscriptions of one connection', async () => {
    const sent: string[] = [];
    const expander = createLiveEventExpander({ store: h.store, scope: SCOPE, now: h.clock.now });
    expander.push(slim(runA, 'EXECUTING'), (event) => sent.push(`run subscription: ${event.type}`));
    expander.push(runEvent(runA, 'group'), (event) => sent.push(`group subscription: ${event.type}`));
    await expect.poll(() => sent.length, { timeout: 10_000 }).toBe(2);
    expect(sent).toEqual(['run subscription: run', 'group subscription: run-event']);
  });

  it('reads only in its own scope: a run it cannot read is sent as it came', async () => {
    const sent: LiveEvent[] = [];
    const expander = createLiveEventExpander({ store: h.store, scope: OTHER_SCOPE, now: h.clock.now });
    const send = (event: LiveEvent) => sent.push(event);
    expander.push(slim(runA, 'EXECUTING'), send);
    await until(sent, 1);
    expect(sent[0]).toEqual(slim(runA, 'EXECUTING'));
  });

  it('sends nothing once stopped', async () => {
    const sent: LiveEvent[] = [];
    const expander = createLiveEventExpander({ store: h.store, scope: SCOPE, now: h.clock.now });
    const send = (event: LiveEvent) => sent.push(event);
    expander.push(slim(runA, 'EXECUTING'), send);
    expander.stop();
    expander.push(runEvent(runA, 'late'), send);
    await h.store.getRun(SCOPE, runA);
    expect(sent).toEqual([]);
  });
});
