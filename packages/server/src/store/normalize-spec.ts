/** Keys of a spec that the server owns (SPEC §1.3 "read-only"); values given on input are ignored. */
const READ_ONLY_SPEC_KEYS = new Set(['version', 'createdAt', 'updatedAt', 'summary']);

/**
 * The spec as stored: `id` first and set to the resource id, the read-only keys removed.
 * @example normalizeSpec('t1', { name: 'a', version: 3 }) // { id: 't1', name: 'a' }
 */
export function normalizeSpec<Spec extends Record<string, unknown>>(id: string, spec: Spec): Spec {
  const normalized: Record<string, unknown> = { id };
  for (const [key, value] of Object.entries(spec)) {
    if (key !== 'id' && !READ_ONLY_SPEC_KEYS.has(key) && value !== undefined) normalized[key] = value;
  }
  return normalized as Spec;
}

/**
 * Structural equality of two JSON values: object key order does not matter, array order does, and
 * an object key holding `undefined` counts as absent (as it does once stored).
 */
export function areJsonEqual(left: unknown, right: unknown): boolean {
  if (left === right) return true;
  if (typeof left !== 'object' || typeof right !== 'object' || left === null || right === null) {
    return false;
  }
  if (Array.isArray(left) || Array.isArray(right)) {
    return (
      Array.isArray(left) &&
      Array.isArray(right) &&
      left.length === right.length &&
      left.every((item, index) => areJsonEqual(item, right[index]))
    );
  }
  const leftEntries = Object.entries(left).filter(([, value]) => value !== undefined);
  const rightRecord = right as Record<string, unknown>;
  const rightKeys = Object.keys(rightRecord).filter((key) => rightRecord[key] !== undefined);
  return (
    leftEntries.length === rightKeys.length &&
    leftEntries.every(
      ([key, value]) => Object.hasOwn(rightRecord, key) && areJsonEqual(value, rightRecord[key]),
    )
  );
}
