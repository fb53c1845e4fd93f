import jsQR from 'jsqr'
import sharp from 'sharp'
import { describe, expect, it } from 'vitest'
import { checkpointSheetPng, checkpointSheetSvg } from './qrSheet'

const checkpoints = [
  { seq: 1, name: '东门岗亭', tokenVersion: 2, code: 'AJP1.11.2.aaaaaaaaaaaaaaaaaaaaaa', shortCode: 'K7QM-3XPD' },
  { seq: 2, name: '西门 <岗亭>', tokenVersion: 1, code: 'AJP1.12.1.bbbbbbbbbbbbbbbbbbbbbb', shortCode: '9HNT-W2R0' },
  { seq: 3, name: '北门岗亭', tokenVersion: 1, code: 'AJP1.13.1.cccccccccccccccccccccc', shortCode: '5VBE-1ZKA' },
]

describe('checkpoint QR sheet', () => {
  it('prints each checkpoint’s short code under its QR code, with the name and the version', () => {
    const svg = checkpointSheetSvg('幸福里平安巡逻队 · 白天路线', checkpoints)
    for (const c of checkpoints) expect(svg).toContain(`>${c.shortCode}</text>`)
    expect(svg).toContain('无法扫码时输入签到编号')
    expect(svg).toContain('2. 西门 &lt;岗亭&gt;')
    expect(svg).toContain('巡逻签到码 · 第 2 版')
  })

  it('keeps every QR code readable on the rendered page', async () => {
    const png = await checkpointSheetPng('白天路线', checkpoints)
    const { width, height } = await sharp(png).metadata()
    expect(width).toBe(1280)
    expect(height).toBe(120 + 2 * 720 + 40)
    for (const [i, c] of checkpoints.entries()) {
      const cell = await sharp(png)
        .extract({ left: 40 + (i % 2) * 600, top: 120 + Math.floor(i / 2) * 720, width: 600, height: 520 })
        .ensureAlpha().raw().toBuffer({ resolveWithObject: true })
      expect(jsQR(new Uint8ClampedArray(cell.data), cell.info.width, cell.info.height)?.data).toBe(c.code)
    }
  })
})
