import { decodeOtlpProtobuf } from '@tracecheck/core';
import { describe, expect, it } from 'vitest';
import type { RunRecord } from '../store/store';
import { assembleRunTrace, encodeRunTrace, triggerResponseOf } from './run-trace';

describe('triggerResponseOf (SPEC §3.4)', () => {
  it.each<[string, unknown, ReturnType<typeof triggerResponseOf>]>([
    [
      'http',
      { type: 'http', http: { statusCode: 201, body: '{"ok":true}', headers: [{ key: 'A', value: '1' }] } },
      { statusCode: 201, body: '{"ok":true}', headers: [{ key: 'A', value: '1' }] },
    ],
    [
      'http without headers: null, as Tracetest writes it',
      { type: 'http', http: { statusCode: 204, body: '', headers: [] } },
      { statusCode: 204, body: '', headers: null },
    ],
    [
      'graphql',
      { type: 'graphql', graphql: { statusCode: 200, body: '{}', headers: [] } },
      { statusCode: 200, body: '{}', headers: null },
    ],
    [
      'grpc metadata as headers',
      { type: 'grpc', grpc: { statusCode: 0, body: '{}', metadata: [{ key: 'm', value: 'v' }] } },
      { statusCode: 0, body: '{}', headers: [{ key: 'm', value: 'v' }] },
    ],
    ['a failed trigger has no response', { type: 'http', error: { message: 'refused' } }, undefined],
    [
      'kafka has no response attributes',
      { type: 'kafka', kafka: { partition: '0', offset: '1' } },
      undefined,
    ],
    ['nothing stored yet', null, undefined],
  ])('%s', (_, result, expected) => expect(triggerResponseOf(result)).toEqual(expected));
});

describe('encodeRunTrace / assembleRunTrace', () => {
  const run = {
    traceId: '0af7651916cd43dd8448eb211c80319c',
    spanId: '00000000000000f1',
    createdAt: new Date(1_700_000_000_000),
    serviceTriggeredAt: new Date(1_700_000_000_010),
    serviceTriggerCompletedAt: new Date(1_700_000_000_050),
    triggerResult: { type: 'http', http: { statusCode: 201, body: 'ok', headers: [] } },
  } as RunRecord;

  it('stores the trigger span with the collected spans, and assembles it as the root', () => {
    const bytes = encodeRunTrace(run, []);
    const [trigger] = decodeOtlpProtobuf(bytes);
    expect(trigger).toMatchObject({ name: 'Tracetest trigger', spanId: run.spanId, parentSpanId: null });
    expect(trigger?.startTimeUnixNano).toBe(1_700_000_000_010_000_000n);
    const trace = assembleRunTrace(run, bytes);
    expect(trace.spans).toHaveLength(1);
    expect(Object.fromEntries(trace.spans[0]?.attributes ?? [])).toMatchObject({
      'tracetest.response.status': '201',
      'tracetest.response.body': 'ok',
      'tracetest.response.headers': 'null',
      'service.name': 'tracetest',
      'tracetest.span.type': 'general',
    });
  });
});
