import QRCode from 'qrcode'
import sharp from 'sharp'

/**
 * A printable sheet of a route's checkpoint codes: two columns of QR codes, each with the short code to type
 * where nothing can scan, the checkpoint's name and the token version, so a stale printout can be told apart
 * at a glance. The page is drawn as
 * SVG and rendered to PNG by sharp (librsvg); Chinese names need a CJK font on the server (fonts-wqy-microhei
 * or fonts-noto-cjk on Debian).
 */
export interface SheetCheckpoint {
  seq: number
  name: string
  tokenVersion: number
  code: string
  /** The short code as printed, e.g. K7QM-3XPD. */
  shortCode: string
}

const CELL_W = 600
const CELL_H = 720
const QR_PX = 440
const MARGIN = 40
const HEADER_H = 120
const FONT = "'WenQuanYi Micro Hei','Noto Sans CJK SC','Source Han Sans SC','PingFang SC',sans-serif"
const MONO = "'DejaVu Sans Mono','Liberation Mono','WenQuanYi Micro Hei Mono',monospace"

const escapeXml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!)

/** The dark modules of a QR code as one SVG path, `size` pixels square at (x, y). */
function qrPath(text: string, x: number, y: number, size: number): string {
  const { modules } = QRCode.create(text, { errorCorrectionLevel: 'M' })
  const quiet = 4
  const unit = size / (modules.size + quiet * 2)
  let d = ''
  for (let row = 0; row < modules.size; row++) {
    for (let col = 0; col < modules.size; col++) {
      if (modules.get(row, col)) d += `M${(x + (col + quiet) * unit).toFixed(2)} ${(y + (row + quiet) * unit).toFixed(2)}h${unit.toFixed(2)}v${unit.toFixed(2)}h-${unit.toFixed(2)}z`
    }
  }
  return `<rect x="${x}" y="${y}" width="${size}" height="${size}" fill="#fff"/><path d="${d}" fill="#000"/>`
}

export function checkpointSheetSvg(title: string, checkpoints: SheetCheckpoint[]): string {
  const rows = Math.max(1, Math.ceil(checkpoints.length / 2))
  const width = CELL_W * 2 + MARGIN * 2
  const height = HEADER_H + rows * CELL_H + MARGIN
  const cells = checkpoints.map((c, i) => {
    const x = MARGIN + (i % 2) * CELL_W
    const y = HEADER_H + Math.floor(i / 2) * CELL_H
    const qrX = x + (CELL_W - QR_PX) / 2
    return [
      `<rect x="${x + 10}" y="${y + 10}" width="${CELL_W - 20}" height="${CELL_H - 20}" fill="none" stroke="#999" stroke-dasharray="8 6"/>`,
      qrPath(c.code, qrX, y + 30, QR_PX),
      `<text x="${x + CELL_W / 2}" y="${y + QR_PX + 76}" font-size="24" fill="#555" text-anchor="middle" font-family="${FONT}">无法扫码时输入签到编号</text>`,
      `<text x="${x + CELL_W / 2}" y="${y + QR_PX + 136}" font-size="52" font-weight="bold" letter-spacing="4" text-anchor="middle" font-family="${MONO}">${escapeXml(c.shortCode)}</text>`,
      `<text x="${x + CELL_W / 2}" y="${y + QR_PX + 196}" font-size="36" text-anchor="middle" font-family="${FONT}">${c.seq}. ${escapeXml(c.name)}</text>`,
      `<text x="${x + CELL_W / 2}" y="${y + QR_PX + 236}" font-size="22" fill="#555" text-anchor="middle" font-family="${FONT}">巡逻签到码 · 第 ${c.tokenVersion} 版</text>`,
    ].join('')
  })
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="${width / 2}" y="76" font-size="44" text-anchor="middle" font-family="${FONT}">${escapeXml(title)}</text>`,
    ...cells,
    '</svg>',
  ].join('')
}

export async function checkpointSheetPng(title: string, checkpoints: SheetCheckpoint[]): Promise<Buffer> {
  return sharp(Buffer.from(checkpointSheetSvg(title, checkpoints))).png({ compressionLevel: 9, palette: true }).toBuffer()
}
