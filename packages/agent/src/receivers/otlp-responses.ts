/**
 * The few messages the receivers answer with, in protobuf and in OTLP/JSON:
 * `ExportTraceServiceResponse` (empty, or with `partial_success`) and `google.rpc.Status` (errors,
 * optionally carrying a `google.rpc.RetryInfo`). They are tiny, so they are written by hand.
 */

/** gRPC status codes used by the receivers (https://grpc.github.io/grpc/core/md_doc_statuscodes.html). */
export const GRPC_STATUS = {
  INVALID_ARGUMENT: 3,
  RESOURCE_EXHAUSTED: 8,
  UNAVAILABLE: 14,
} as const;

export type GrpcStatusCode = (typeof GRPC_STATUS)[keyof typeof GRPC_STATUS];

/** `ExportTracePartialSuccess`: how many spans were refused and why. */
export interface PartialSuccess {
  readonly rejectedSpans: number;
  readonly errorMessage: string;
}

/** A `google.rpc.Status` with an optional retry delay (as `google.rpc.RetryInfo`). */
export interface RpcStatus {
  readonly code: GrpcStatusCode;
  readonly message: string;
  readonly retryDelaySeconds?: number;
}

const RETRY_INFO_TYPE_URL = 'type.googleapis.com/google.rpc.RetryInfo';
const textEncoder = new TextEncoder();
const EMPTY = new Uint8Array(0);

/** Protobuf `ExportTraceServiceResponse`: zero bytes when every span was accepted. */
export function encodeExportResponseProtobuf(partial: PartialSuccess | null): Uint8Array {
  if (!partial) return EMPTY;
  const inner = concat([
    fieldVarint(1, partial.rejectedSpans),
    partial.errorMessage ? fieldBytes(2, textEncoder.encode(partial.errorMessage)) : EMPTY,
  ]);
  return fieldBytes(1, inner);
}

/** OTLP/JSON `ExportTraceServiceResponse` (int64 as a decimal string, as proto3 JSON writes it). */
export function encodeExportResponseJson(partial: PartialSuccess | null): string {
  if (!partial) return '{}';
  return JSON.stringify({
    partialSuccess: { rejectedSpans: String(partial.rejectedSpans), errorMessage: partial.errorMessage },
  });
}

/** Protobuf `google.rpc.Status`, also the value of the `grpc-status-details-bin` trailer. */
export function encodeRpcStatusProtobuf(status: RpcStatus): Uint8Array {
  const parts = [fieldVarint(1, status.code), fieldBytes(2, textEncoder.encode(status.message))];
  if (status.retryDelaySeconds !== undefined) {
    const duration = fieldVarint(1, status.retryDelaySeconds); // google.protobuf.Duration.seconds
    const retryInfo = fieldBytes(1, duration); // google.rpc.RetryInfo.retry_delay
    const any = concat([fieldBytes(1, textEncoder.encode(RETRY_INFO_TYPE_URL)), fieldBytes(2, retryInfo)]);
    parts.push(fieldBytes(3, any)); // google.rpc.Status.details
  }
  return concat(parts);
}

/** `google.rpc.Status` in proto3 JSON. */
export function encodeRpcStatusJson(status: RpcStatus): string {
  const json: { code: number; message: string; details?: unknown[] } = {
    code: status.code,
    message: status.message,
  };
  if (status.retryDelaySeconds !== undefined) {
    json.details = [{ '@type': RETRY_INFO_TYPE_URL, retryDelay: `${status.retryDelaySeconds}s` }];
  }
  return JSON.stringify(json);
}

function varint(value: number): number[] {
  const bytes: number[] = [];
  let rest = value;
  while (rest >= 0x80) {
    bytes.push((rest % 0x80) | 0x80);
    rest = Math.floor(rest / 0x80);
  }
  bytes.push(rest);
  return bytes;
}

function fieldVarint(field: number, value: number): Uint8Array {
  return Uint8Array.from([...varint(field << 3), ...varint(value)]);
}

function fieldBytes(field: number, value: Uint8Array): Uint8Array {
  return concat([Uint8Array.from([...varint((field << 3) | 2), ...varint(value.length)]), value]);
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  for (const part of parts) length += part.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
