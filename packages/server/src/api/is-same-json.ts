/**
 * Structural equality of JSON values: key order does not matter, array order does, and a key holding
 * `undefined` counts as absent (as it does once stored).
 * @example isSameJson({ a: 1, b: undefined }, { a: 1 }) // true
 */
export function isSameJson(left: unknown, right: unknown): boolean {
  if (left === right) return true;
  if (typeof left !== 'object' || typeof right !== 'object' || left === null || right === null) return false;
  if (Array.isArray(left) || Array.isArray(right)) {
    return (
      Array.isArray(left) &&
      Array.isArray(right) &&
      left.length === right.length &&
      left.every((item, index) => isSameJson(item, right[index]))
    );
  }
  const leftRecord = left as Record<string, unknown>;
  const rightRecord = right as Record<string, unknown>;
  const keys = new Set([...Object.keys(leftRecord), ...Object.keys(rightRecord)]);
  for (const key of keys) if (!isSameJson(leftRecord[key], rightRecord[key])) return false;
  return true;
}
