import type { AnyValue, KeyValue, ResourceRecord } from '@tracecheck/core';
import {
  type JaegerReference,
  type JaegerSpanModel,
  jaegerProcessResource,
  normalizeJaegerSpanId,
  normalizeJaegerTraceId,
} from './jaeger-span';

/** Thrown for JSON that is not a Jaeger query API answer; the caller names the URL. */
export class JaegerFormatError extends Error {
  override readonly name = 'JaegerFormatError';
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function arrayAt(object: Json, key: string, where: string): unknown[] {
  const value = object[key];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new JaegerFormatError(`${where}.${key} is not an array`);
  return value;
}

function bigintOf(value: unknown, where: string): bigint {
  if (typeof value === 'number' && Number.isInteger(value)) return BigInt(value);
  // Jaeger writes 64-bit integers outside ±2^53 as decimal strings to keep them exact.
  if (typeof value === 'string' && /^-?\d+$/.test(value)) return BigInt(value);
  throw new JaegerFormatError(`${where} is ${JSON.stringify(value)}, expected an integer`);
}

/** A Jaeger JSON tag (`{key, type, value}`) as a typed attribute. */
function convertTag(tag: unknown, where: string): KeyValue {
  if (!isObject(tag) || typeof tag.key !== 'string') throw new JaegerFormatError(`${where} has no key`);
  const { type, value } = tag;
  let converted: AnyValue;
  switch (type) {
    case 'bool':
      converted = { type: 'bool', value: value === true || value === 'true' };
      break;
    case 'int64':
      converted = { type: 'int', value: bigintOf(value, `${where}.value`) };
      break;
    case 'float64':
      converted = { type: 'double', value: Number(value) };
      break;
    case 'binary':
      // Go's encoding/json writes []byte as base64.
      converted = { type: 'bytes', value: new Uint8Array(Buffer.from(String(value), 'base64')) };
      break;
    case 'string':
      converted = { type: 'string', value: String(value) };
      break;
    default:
      // Untyped tags (older writers) keep the JSON type of their value.
      converted =
        typeof value === 'boolean'
          ? { type: 'bool', value }
          : typeof value === 'number'
            ? Number.isInteger(value)
              ? { type: 'int', value: BigInt(value) }
              : { type: 'double', value }
            : { type: 'string', value: String(value ?? '') };
  }
  return { key: tag.key, value: converted };
}

function convertTags(owner: Json, key: string, where: string): KeyValue[] {
  return arrayAt(owner, key, where).map((tag, i) => convertTag(tag, `${where}.${key}[${i}]`));
}

const MICROS_TO_NANOS = 1000n;

/**
 * Reads the spans of a Jaeger query API answer (`GET /api/traces/{id}`: `{data: [{traceID, spans,
 * processes}]}`). Times are microseconds in this API.
 */
export function parseJaegerJsonTraces(answer: unknown): JaegerSpanModel[] {
  if (!isObject(answer)) throw new JaegerFormatError('the answer is not a JSON object');
  const spans: JaegerSpanModel[] = [];
  arrayAt(answer, 'data', 'answer').forEach((trace, t) => {
    const where = `data[${t}]`;
    if (!isObject(trace)) throw new JaegerFormatError(`${where} is not an object`);
    const processes = new Map<string, ResourceRecord>();
    const processTable = isObject(trace.processes) ? trace.processes : {};
    for (const [id, process] of Object.entries(processTable)) {
      if (!isObject(process)) continue;
      processes.set(
        id,
        jaegerProcessResource(
          String(process.serviceName ?? ''),
          convertTags(process, 'tags', `${where}.processes.${id}`),
        ),
      );
    }
    arrayAt(trace, 'spans', where).forEach((span, s) => {
      const at = `${where}.spans[${s}]`;
      if (!isObject(span)) throw new JaegerFormatError(`${at} is not an object`);
      const traceId = normalizeJaegerTraceId(String(span.traceID ?? ''));
      const spanId = normalizeJaegerSpanId(String(span.spanID ?? ''));
      if (!traceId || !spanId) {
        throw new JaegerFormatError(
          `${at} has traceID ${JSON.stringify(span.traceID)} and spanID ${JSON.stringify(span.spanID)}`,
        );
      }
      const references: JaegerReference[] = [];
      arrayAt(span, 'references', at).forEach((ref) => {
        if (!isObject(ref)) return;
        const refTraceId = normalizeJaegerTraceId(String(ref.traceID ?? ''));
        const refSpanId = normalizeJaegerSpanId(String(ref.spanID ?? ''));
        if (!refTraceId || !refSpanId) return;
        references.push({
          refType: ref.refType === 'FOLLOWS_FROM' ? 'FOLLOWS_FROM' : 'CHILD_OF',
          traceId: refTraceId,
          spanId: refSpanId,
        });
      });
      const processId = String(span.processID ?? '');
      const process =
        processes.get(processId) ??
        (isObject(span.process)
          ? jaegerProcessResource(
              String(span.process.serviceName ?? ''),
              convertTags(span.process, 'tags', `${at}.process`),
            )
          : jaegerProcessResource('', []));
      spans.push({
        traceId,
        spanId,
        operationName: String(span.operationName ?? ''),
        flags: typeof span.flags === 'number' ? span.flags : 0,
        references,
        startTimeUnixNano: bigintOf(span.startTime, `${at}.startTime`) * MICROS_TO_NANOS,
        durationNano: bigintOf(span.duration ?? 0, `${at}.duration`) * MICROS_TO_NANOS,
        tags: convertTags(span, 'tags', at),
        logs: arrayAt(span, 'logs', at).map((log, l) => {
          if (!isObject(log)) throw new JaegerFormatError(`${at}.logs[${l}] is not an object`);
          return {
            timeUnixNano: bigintOf(log.timestamp, `${at}.logs[${l}].timestamp`) * MICROS_TO_NANOS,
            fields: convertTags(log, 'fields', `${at}.logs[${l}]`),
          };
        }),
        process,
      });
    });
  });
  return spans;
}

/** `true` for the query API's "not found" answer: `{data: null, errors: [{code: 404, msg: "trace not found"}]}`. */
export function isJaegerNotFoundAnswer(answer: unknown): boolean {
  if (!isObject(answer) || !Array.isArray(answer.errors)) return false;
  return answer.errors.some(
    (error) => isObject(error) && (error.code === 404 || /not found/i.test(String(error.msg ?? ''))),
  );
}
