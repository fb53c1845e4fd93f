/**
 * A webpack loader for zod's v4/core/util.js in the weapp build. zod builds BIGINT_FORMAT_RANGES with
 * BigInt(...) calls while its module loads; WeChat on iOS below 14 has no BigInt (and nothing can polyfill
 * it), so loading zod would throw there. The ranges are only read when a z.int64()/z.uint64() schema checks
 * a value, which the app never does: making each range a getter moves the BigInt calls to that moment and
 * changes nothing else. The build fails if a zod upgrade changes the code this expects.
 */
const EAGER = /export const BIGINT_FORMAT_RANGES = \{\s*int64: (\[[^\]]*\]),\s*uint64: (\[[^\]]*\]),?\s*\};/

module.exports = function lazyBigIntRanges(source) {
  if (!EAGER.test(source)) {
    throw new Error('zod/v4/core/util.js no longer declares BIGINT_FORMAT_RANGES as expected: review miniapp/config/loaders/lazyBigIntRanges.js')
  }
  return source.replace(
    EAGER,
    (_, int64, uint64) => `export const BIGINT_FORMAT_RANGES = {\n    get int64() { return ${int64}; },\n    get uint64() { return ${uint64}; },\n};`,
  )
}
