import type { SpanId, TraceId } from '@tracecheck/core';
import { expect, test } from 'vitest';
import { traceContextHeaders } from './trace-context-headers';

test('the trigger span context in every propagation format of SPEC §2.10', () => {
  const headers = traceContextHeaders(
    '0af7651916cd43dd8448eb211c80319c' as TraceId,
    'b7ad6b7169203331' as SpanId,
  );
  expect(headers).toEqual([
    { key: 'traceparent', value: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' },
    { key: 'tracestate', value: 'tracetest=true' },
    { key: 'b3', value: '0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-1' },
    { key: 'uber-trace-id', value: '0af7651916cd43dd8448eb211c80319c:b7ad6b7169203331:0:1' },
    { key: 'ot-tracer-traceid', value: '8448eb211c80319c' },
    { key: 'ot-tracer-spanid', value: 'b7ad6b7169203331' },
    { key: 'ot-tracer-sampled', value: 'true' },
    {
      key: 'X-Amzn-Trace-Id',
      value: 'Root=1-0af76519-16cd43dd8448eb211c80319c;Parent=b7ad6b7169203331;Sampled=1',
    },
  ]);
});
