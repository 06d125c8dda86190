import type { Trace } from '@tracecheck/core';
import type { GraphInput } from './layout-trace-graph';

/** What the graph layout needs of a trace: its shape, and a label that tells spans apart. */
export function toGraphInput(trace: Trace): GraphInput {
  const labels: string[] = new Array(trace.spans.length);
  const errors = new Uint8Array(trace.spans.length);
  for (let index = 0; index < trace.spans.length; index++) {
    const span = trace.spans[index]!;
    labels[index] = `${span.name}\u0000${span.attributes.get('service.name') ?? ''}\u0000${span.type}`;
    if (span.status?.code === 'STATUS_CODE_ERROR') errors[index] = 1;
  }
  return {
    parentIndex: trace.parentIndex.slice(),
    subtreeEnd: trace.subtreeEnd.slice(),
    labels,
    errors,
  };
}
