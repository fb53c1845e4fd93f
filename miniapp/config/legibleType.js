/**
 * A PostCSS plugin for our own stylesheets: every `font-size` in design px (750 wide) is
 *
 * - never below MIN_FONT_SIZE (24px: 12.5 CSS px on a 390 px phone), so no chip or footnote is written too
 *   small to read; and
 * - multiplied by `var(--anju-font-scale, 1)`, which 长辈模式 raises on the page root (and on <html> on h5), so
 *   the whole app's type grows from one switch while spacing and layout stay as designed.
 *
 * It runs on the Sass output before Taro's pxtransform turns px into rpx (weapp) or rem (h5): its `Once`
 * listener sees each file before any plugin's per-declaration visitor. Sizes written in upper-case `PX`
 * (which pxtransform leaves alone) and non-px sizes are left as they are.
 */
const MIN_FONT_SIZE = 24
const SCALE = 'var(--anju-font-scale, 1)'
const DESIGN_PX = /^(\d+(?:\.\d+)?)px$/

/** `sourceRoot`: only stylesheets under it are ours; those of libraries are left untouched. */
function legibleType({ sourceRoot } = {}) {
  return {
    postcssPlugin: 'anju-legible-type',
    Once(root) {
      const file = root.source && root.source.input && root.source.input.file
      if (sourceRoot && !(file && file.startsWith(sourceRoot))) return
      root.walkDecls('font-size', (decl) => {
        const match = DESIGN_PX.exec(decl.value.trim())
        if (!match) return
        const size = Math.max(Number(match[1]), MIN_FONT_SIZE)
        decl.value = `calc(${size}px * ${SCALE})`
      })
    },
  }
}
legibleType.postcss = true

module.exports = legibleType
module.exports.MIN_FONT_SIZE = MIN_FONT_SIZE
