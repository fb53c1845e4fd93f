// Built-ins the oldest supported engine lacks (see ./engine.ts); each defined only where it is missing.

/**
 * `at` as ES2022 specifies it. Written out rather than taken from core-js: core-js's shared internals would add
 * 16 KiB to the main package for this one method.
 */
function at(this: ArrayLike<unknown>, index: number): unknown {
  const length = this.length >>> 0
  let i = Math.trunc(Number(index)) || 0
  if (i < 0) i += length
  return i < 0 || i >= length ? undefined : this[i]
}
for (const prototype of [Array.prototype, String.prototype]) {
  if (typeof (prototype as { at?: unknown }).at !== 'function') {
    Object.defineProperty(prototype, 'at', { value: at, writable: true, enumerable: false, configurable: true })
  }
}
