import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import { TracecheckError } from '@tracecheck/core';

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

/** The format written today; the column `run_traces.format` records it per row. */
const TRACE_FORMAT = 'otlp-protobuf+gzip';

/** A run's trace as stored: the OTLP protobuf bytes, compressed. */
interface TraceDocument {
  readonly format: string;
  readonly document: Uint8Array;
  readonly sizeBytes: number;
}

/** Compresses an OTLP protobuf trace (off the event loop: zlib runs in the thread pool). */
export async function encodeTraceDocument(otlpProtobuf: Uint8Array): Promise<TraceDocument> {
  const compressed = await gzipAsync(otlpProtobuf);
  return { format: TRACE_FORMAT, document: toUint8Array(compressed), sizeBytes: otlpProtobuf.byteLength };
}

/** Returns the OTLP protobuf bytes of a stored document. */
export async function decodeTraceDocument(format: string, document: Uint8Array): Promise<Uint8Array> {
  if (format !== TRACE_FORMAT) {
    throw new TracecheckError(
      'INTERNAL',
      `a stored trace has format "${format}", but this version reads only "${TRACE_FORMAT}": ` +
        'run the Tracecheck version that wrote it, or a newer one',
    );
  }
  return toUint8Array(await gunzipAsync(document));
}

/** A plain Uint8Array view (Buffers compare unequal to Uint8Arrays in deep equality checks). */
export function toUint8Array(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
