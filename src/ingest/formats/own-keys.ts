/**
 * Building records from untrusted column names without touching prototypes.
 * `obj[key] = v` with key "__proto__" would replace the object's prototype;
 * defineProperty always creates an own data property instead.
 */

/** Set an own, enumerable property, whatever the key (including "__proto__"). */
export function setOwn(obj: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

/** Whether a value is a plain JSON object (not an array, not null). */
export function isJsonObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
