/**
 * undefined, null, or a plain object without keys: what every options schema accepts as `{}`.
 * Callers skip importing zod for these. It lives here, below the detector, scan and browser
 * option modules, because all three use it.
 */
export function isEmptyOptions(value: unknown): boolean {
  if (value === undefined || value === null) return true;
  return typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype && Reflect.ownKeys(value).length === 0;
}
