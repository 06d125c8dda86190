import type { KeyValue, TriggerResult } from './trigger';

/** Names of the trigger span's response attributes (SPEC §3.4). */
export const RESPONSE_ATTRIBUTES = {
  status: 'tracetest.response.status',
  body: 'tracetest.response.body',
  headers: 'tracetest.response.headers',
} as const;

/**
 * The `tracetest.response.*` attributes a trigger result puts on the trigger span (SPEC §2.3, §2.4,
 * §3.4): the status code as decimal text, the body, and the headers (gRPC: response metadata) as a JSON
 * array of `{"key", "value"}` objects, or `null` when there were none. GraphQL results expose them as
 * HTTP does (Q19); Kafka, trace-id results and failures expose none.
 * @example responseAttributes(result)['tracetest.response.status'] // '201'
 */
export function responseAttributes(result: TriggerResult): Readonly<Record<string, string>> {
  if (result.error) return {};
  switch (result.type) {
    case 'http':
      return attributes(result.http.statusCode, result.http.body, result.http.headers);
    case 'graphql':
      return attributes(result.graphql.statusCode, result.graphql.body, result.graphql.headers);
    case 'grpc':
      return attributes(result.grpc.statusCode, result.grpc.body, result.grpc.metadata);
    default:
      return {};
  }
}

function attributes(statusCode: number, body: string, headers: readonly KeyValue[]): Record<string, string> {
  return {
    [RESPONSE_ATTRIBUTES.status]: String(statusCode),
    [RESPONSE_ATTRIBUTES.body]: body,
    [RESPONSE_ATTRIBUTES.headers]:
      headers.length === 0 ? 'null' : JSON.stringify(headers.map(({ key, value }) => ({ key, value }))),
  };
}
