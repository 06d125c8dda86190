import { describe, expect, it } from 'vitest';
import type { LiveEventView, RunEventView, TestRunView } from '../api/api-types';
import {
  applyRunEvent,
  isRunEventPayload,
  mergeRunEvents,
  parseLiveEvent,
  spansOfPayload,
} from './live-events';

const RUN = {
  id: '3',
  testId: 'shop',
  state: 'AWAITING_TRACE',
  traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
} as const satisfies Partial<TestRunView>;

function runWith(changes: Partial<TestRunView>): TestRunView {
  return { ...(RUN as unknown as TestRunView), ...changes };
}

function line(seq: number, title: string): RunEventView {
  return {
    runId: '3',
    testId: 'shop',
    seq,
    type: 'INFO',
    stage: 'TRACE',
    title,
    description: '',
    createdAt: '2025-01-01T00:00:00.000Z',
  };
}

describe('parseLiveEvent', () => {
  it.each([
    { data: '{"type":"run","runId":3,"state":"FINISHED"}', type: 'run' },
    { data: '{"type":"spans","runId":3,"payload":{"otlpBase64":"AA=="}}', type: 'spans' },
    { data: '{"type":"run-event","runId":3}', type: 'run-event' },
    { data: 'not json', type: null },
    { data: '[1,2]', type: null },
    { data: '{"type":"bogus","runId":3}', type: null },
    { data: '{"type":"run","runId":"3"}', type: null },
  ])('reads $data as $type', ({ data, type }) => {
    expect(parseLiveEvent(data)?.type ?? null).toBe(type);
  });
});

describe('applyRunEvent', () => {
  const event = (changes: Partial<LiveEventView>): LiveEventView => ({ type: 'run', runId: 3, ...changes });

  it('takes a whole run from the payload', () => {
    const next = runWith({ state: 'FINISHED', pass: 4 });
    expect(applyRunEvent(runWith({}), event({ state: 'FINISHED', payload: next }))).toBe(next);
  });

  it('takes the state alone when the payload is not a run', () => {
    expect(applyRunEvent(runWith({}), event({ state: 'ANALYZING_TRACE' })).state).toBe('ANALYZING_TRACE');
  });

  it.each([{ state: 'NOT_A_STATE' }, { state: undefined }])('keeps the run for state $state', ({ state }) => {
    const run = runWith({});
    expect(applyRunEvent(run, event(state === undefined ? {} : { state }))).toBe(run);
  });
});

describe('mergeRunEvents', () => {
  it('orders by seq and keeps each seq once, the newest copy', () => {
    const merged = mergeRunEvents([line(1, 'a'), line(2, 'b')], [line(3, 'c'), line(2, 'b again')]);
    expect(merged.map((event) => `${event.seq}:${event.title}`)).toEqual(['1:a', '2:b again', '3:c']);
  });
});

describe('payload readers', () => {
  it.each([
    { payload: line(1, 'x'), runEvent: true },
    { payload: { seq: '1', title: 'x' }, runEvent: false },
    { payload: null, runEvent: false },
  ])('tells a run event line: $runEvent', ({ payload, runEvent }) => {
    expect(isRunEventPayload(payload)).toBe(runEvent);
  });

  it.each([
    { payload: { otlpBase64: 'AAEC', seq: 1 }, spans: 'AAEC' },
    { payload: { otlpBase64: 1 }, spans: null },
    { payload: 'AAEC', spans: null },
  ])('reads the spans of $payload', ({ payload, spans }) => {
    expect(spansOfPayload(payload)).toBe(spans);
  });
});
