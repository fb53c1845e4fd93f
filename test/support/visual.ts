import path from 'node:path'
import type { Locator, Page } from 'playwright-core'

/** Where browser tests keep their screenshots (git-ignored): one PNG per main screen, overwritten each run. */
export const SCREENS_DIR = path.resolve(import.meta.dirname, '../../test-results/screens')

/** How a control looks to a person: measured from computed styles in the page. */
export interface ControlLook {
  id: string
  text: string
  /** Product of the element's and its ancestors' opacity. */
  opacity: number
  /** WCAG contrast of the text against the colour behind it (the control's own background, or the nearest painted ancestor's). */
  textContrast: number
  /** How far the control's outline (its background, or else its border) stands out from what surrounds it. */
  shapeContrast: number
  /** Whether the browser would treat it as disabled. */
  disabled: boolean
  width: number
  height: number
}

/**
 * Measures each control matched by `locator`. Runs in the page: colours come from getComputedStyle, so the
 * figures are what the stylesheets (ours and Taro's) really produce.
 */
export async function lookOf(locator: Locator): Promise<ControlLook[]> {
  // Runs in the browser; the test compilation has no DOM types, hence the loose ones here.
  return locator.evaluateAll((elements: any[]) => {
    const getComputedStyle = (el: any) => (globalThis as any).getComputedStyle(el)
    type Rgba = [number, number, number, number]
    const parse = (css: string): Rgba => {
      const m = css.match(/rgba?\(([^)]+)\)/)
      if (!m) return [0, 0, 0, 0]
      const [r, g, b, a] = m[1]!.split(/[\s,/]+/).filter(Boolean).map(Number)
      return [r!, g!, b!, a === undefined || Number.isNaN(a) ? 1 : a]
    }
    const over = (top: Rgba, bottom: Rgba): Rgba => {
      const a = top[3]
      return [top[0] * a + bottom[0] * (1 - a), top[1] * a + bottom[1] * (1 - a), top[2] * a + bottom[2] * (1 - a), 1]
    }
    const luminance = ([r, g, b]: Rgba) => {
      const ch = (v: number) => {
        const s = v / 255
        return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4
      }
      return 0.2126 * ch(r) + 0.7152 * ch(g) + 0.0722 * ch(b)
    }
    const contrast = (a: Rgba, b: Rgba) => {
      const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x)
      return (hi! + 0.05) / (lo! + 0.05)
    }
    /** The opaque colour painted behind `el` (its ancestors' backgrounds composed over white). */
    const backdrop = (el: any): Rgba => {
      const layers: Rgba[] = []
      for (let e = el; e; e = e.parentElement) {
        const bg = parse(getComputedStyle(e).backgroundColor)
        if (bg[3] > 0) layers.push(bg)
        if (bg[3] >= 1) break
      }
      return layers.reduceRight<Rgba>((under, layer) => over(layer, under), [255, 255, 255, 1])
    }
    return elements.map((el) => {
      const style = getComputedStyle(el)
      let opacity = 1
      for (let e = el; e; e = e.parentElement) opacity *= Number(getComputedStyle(e).opacity)
      const behind = backdrop(el.parentElement)
      const own = over(parse(style.backgroundColor), behind)
      const text = over(parse(style.color), own)
      const border = parseFloat(style.borderTopWidth) > 0 ? over(parse(style.borderTopColor), behind) : own
      const rect = el.getBoundingClientRect()
      return {
        id: el.id,
        text: (el.textContent ?? '').trim(),
        opacity,
        textContrast: contrast(text, own),
        shapeContrast: Math.max(contrast(own, behind), contrast(border, behind)),
        disabled: el.matches(':disabled') || (el.getAttribute('disabled') ?? 'false') !== 'false',
        width: rect.width,
        height: rect.height,
      }
    })
  })
}

/**
 * What "visible and enabled" means for a button: fully opaque, text at WCAG AA contrast (4.5:1, the buttons'
 * 15–16 px text is not "large"), an outline a person can make out, a finger-sized target, and not disabled.
 */
export function isUsableButton(look: ControlLook): boolean {
  return look.opacity >= 0.99 && look.textContrast >= 4.5 && look.shapeContrast >= 1.2 && look.height >= 40 && !look.disabled
}
