export {
  insertTriggerRoot,
  type TriggerRootInput,
  type TriggerRootResponse,
} from '../trace/insert-trigger-root';
export { decodeOtlpJson } from './decode-otlp-json';
export { decodeOtlpProtobuf } from './decode-otlp-protobuf';
export { encodeOtlpJson } from './encode-otlp-json';
export { encodeOtlpProtobuf } from './encode-otlp-protobuf';
export { flattenAnyValue } from './flatten-any-value';
export type * from './otlp-json';
export { toSpanInput } from './to-span-input';
export { traceFromRecords } from './trace-from-records';
