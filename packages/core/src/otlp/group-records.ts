import type { ResourceRecord, ScopeRecord, SpanRecord } from '../trace/model';

/**
 * Groups records by resource object, then by scope object (identity, first-appearance order): the
 * `ResourceSpans` / `ScopeSpans` structure an encoder writes.
 */
export function groupRecords(
  records: readonly SpanRecord[],
): Map<ResourceRecord, Map<ScopeRecord | null, SpanRecord[]>> {
  const groups = new Map<ResourceRecord, Map<ScopeRecord | null, SpanRecord[]>>();
  for (const record of records) {
    let scopes = groups.get(record.resource);
    if (!scopes) {
      scopes = new Map();
      groups.set(record.resource, scopes);
    }
    const spans = scopes.get(record.scope);
    if (spans) spans.push(record);
    else scopes.set(record.scope, [record]);
  }
  return groups;
}
