import {
  Metadata,
  Server,
  ServerCredentials,
  type ServerErrorResponse,
  type ServerUnaryCall,
  type ServiceDefinition,
  type sendUnaryData,
  status,
} from '@grpc/grpc-js';
import type { Logger } from '../logging/create-logger';
import { describeListeningAddress, formatBindAddress, type ListeningAddress } from './listening-address';
import type { OtlpIngest } from './otlp-ingest';
import { encodeExportResponseProtobuf, encodeRpcStatusProtobuf, GRPC_STATUS } from './otlp-responses';

export interface OtlpGrpcReceiverOptions {
  readonly host: string;
  readonly port: number;
  readonly maxMessageBytes: number;
  /** HTTP/2 streams per connection; also bounds the exports one client has in flight. */
  readonly maxConcurrentExports: number;
  readonly ingest: OtlpIngest;
  readonly logger: Logger;
}

/** The OTLP/gRPC receiver: `opentelemetry.proto.collector.trace.v1.TraceService/Export`. */
export interface OtlpGrpcReceiver {
  listen(): Promise<ListeningAddress>;
  /** Stops accepting calls, lets calls in flight finish for up to `timeoutMs`, then cuts the rest. */
  close(timeoutMs: number): Promise<void>;
}

export const OTLP_GRPC_EXPORT_PATH = '/opentelemetry.proto.collector.trace.v1.TraceService/Export';

function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * The TraceService written by hand rather than loaded from a .proto file: the request "deserializer"
 * is the identity, so the raw message bytes go straight to the OTLP decoder, which builds span records
 * without an intermediate message object.
 */
const TRACE_SERVICE: ServiceDefinition = {
  Export: {
    path: OTLP_GRPC_EXPORT_PATH,
    requestStream: false,
    responseStream: false,
    requestSerialize: toBuffer,
    requestDeserialize: (bytes: Buffer): Buffer => bytes,
    responseSerialize: toBuffer,
    responseDeserialize: (bytes: Buffer): Buffer => bytes,
  },
};

/** Creates the OTLP/gRPC receiver on @grpc/grpc-js (gzip and deflate messages are inflated by grpc-js, under the same size cap). */
export function createOtlpGrpcReceiver(options: OtlpGrpcReceiverOptions): OtlpGrpcReceiver {
  const { ingest, logger } = options;
  let stopping = false;
  const server = new Server({
    'grpc.max_receive_message_length': options.maxMessageBytes,
    'grpc.max_concurrent_streams': options.maxConcurrentExports,
  });

  function retryableError(message: string): ServerErrorResponse {
    const metadata = new Metadata();
    // google.rpc.Status with a RetryInfo, as the OTLP specification asks of a server that sheds load.
    metadata.set(
      'grpc-status-details-bin',
      toBuffer(
        encodeRpcStatusProtobuf({
          code: GRPC_STATUS.UNAVAILABLE,
          message,
          retryDelaySeconds: ingest.retryAfterSeconds,
        }),
      ),
    );
    return { name: 'UNAVAILABLE', code: status.UNAVAILABLE, message, details: message, metadata };
  }

  function exportTraces(
    call: ServerUnaryCall<Buffer, Uint8Array>,
    callback: sendUnaryData<Uint8Array>,
  ): void {
    if (stopping) {
      ingest.countRequest('grpc', 'overloaded');
      callback(retryableError('the agent is shutting down: retry on another instance or later'));
      return;
    }
    if (!ingest.tryAcquire()) {
      ingest.countRequest('grpc', 'overloaded');
      callback(retryableError('too many export requests in flight: retry after the delay in RetryInfo'));
      return;
    }
    try {
      const result = ingest.ingest(call.request, 'protobuf', 'grpc');
      switch (result.kind) {
        case 'accepted':
          callback(null, encodeExportResponseProtobuf(result.partial));
          return;
        case 'invalid':
          callback({
            name: 'INVALID_ARGUMENT',
            code: status.INVALID_ARGUMENT,
            message: result.message,
            details: result.message,
          });
          return;
        case 'overloaded':
          callback(retryableError(result.message));
          return;
      }
    } catch (error) {
      logger.error({ err: error }, 'OTLP/gRPC export failed');
      callback({ name: 'INTERNAL', code: status.INTERNAL, message: 'internal error: see the agent log' });
    } finally {
      ingest.release();
    }
  }

  server.addService(TRACE_SERVICE, { Export: exportTraces });

  return {
    listen() {
      return new Promise((resolve, reject) => {
        server.bindAsync(
          formatBindAddress(options.host, options.port),
          ServerCredentials.createInsecure(),
          (error, port) => {
            if (error) reject(error);
            else resolve(describeListeningAddress(options.host, port));
          },
        );
      });
    },

    close(timeoutMs) {
      stopping = true;
      return new Promise((resolve) => {
        const deadline = setTimeout(() => server.forceShutdown(), timeoutMs);
        server.tryShutdown(() => {
          clearTimeout(deadline);
          resolve();
        });
      });
    },
  };
}
