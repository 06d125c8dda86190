/**
 * The OTLP/JSON shape of an `ExportTraceServiceRequest` as `encodeOtlpJson` writes it (lowerCamelCase
 * keys, hex ids, int64 as decimal strings, enums as numbers). `decodeOtlpJson` accepts more than this.
 */

export interface OtlpJsonKeyValue {
  readonly key: string;
  readonly value: OtlpJsonAnyValue;
}

/** One of the value fields, or none for an empty value. Non-finite doubles are `"NaN"`, `"Infinity"`, `"-Infinity"`. */
export interface OtlpJsonAnyValue {
  readonly stringValue?: string;
  readonly boolValue?: boolean;
  readonly intValue?: string;
  readonly doubleValue?: number | string;
  readonly arrayValue?: { readonly values: readonly OtlpJsonAnyValue[] };
  readonly kvlistValue?: { readonly values: readonly OtlpJsonKeyValue[] };
  /** Base64. */
  readonly bytesValue?: string;
}

export interface OtlpJsonEvent {
  readonly timeUnixNano: string;
  readonly name: string;
  readonly attributes: readonly OtlpJsonKeyValue[];
  readonly droppedAttributesCount?: number;
}

export interface OtlpJsonLink {
  readonly traceId: string;
  readonly spanId: string;
  readonly traceState?: string;
  readonly attributes: readonly OtlpJsonKeyValue[];
  readonly droppedAttributesCount?: number;
  readonly flags?: number;
}

export interface OtlpJsonSpan {
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId?: string;
  readonly traceState?: string;
  readonly flags?: number;
  readonly name: string;
  /** `SpanKind` number: 0 unspecified … 5 consumer. */
  readonly kind: number;
  readonly startTimeUnixNano: string;
  readonly endTimeUnixNano: string;
  readonly attributes: readonly OtlpJsonKeyValue[];
  readonly droppedAttributesCount?: number;
  readonly events?: readonly OtlpJsonEvent[];
  readonly droppedEventsCount?: number;
  readonly links?: readonly OtlpJsonLink[];
  readonly droppedLinksCount?: number;
  /** `code`: 0 unset, 1 ok, 2 error. */
  readonly status?: { readonly code: number; readonly message?: string };
}

export interface OtlpJsonScopeSpans {
  readonly scope?: {
    readonly name: string;
    readonly version?: string;
    readonly attributes?: readonly OtlpJsonKeyValue[];
  };
  readonly spans: readonly OtlpJsonSpan[];
  readonly schemaUrl?: string;
}

export interface OtlpJsonResourceSpans {
  readonly resource: {
    readonly attributes: readonly OtlpJsonKeyValue[];
    readonly droppedAttributesCount?: number;
  };
  readonly scopeSpans: readonly OtlpJsonScopeSpans[];
  readonly schemaUrl?: string;
}

export interface OtlpJsonTraceRequest {
  readonly resourceSpans: readonly OtlpJsonResourceSpans[];
}
