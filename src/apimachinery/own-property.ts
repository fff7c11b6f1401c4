/**
 * Sets an own data property, even one named "__proto__", which a plain
 * assignment would take as the object's prototype. Decoded JSON may use any
 * key (a ConfigMap's data, an annotation map); every copy that writes keys
 * chosen by a client goes through here.
 */
export function setOwnProperty(out: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(out, key, { value, writable: true, enumerable: true, configurable: true });
  else out[key] = value;
}
