// Draws the tab bar icons (81×81 PNG, grey and primary blue) into src/assets/tabbar/, so they stay tiny
// and can be redrawn: node miniapp/scripts/make-tabbar-icons.mjs
import zlib from 'node:zlib'
import fs from 'node:fs'

const S = 81, SS = 4
function crc32(buf) { let c, crc = 0xffffffff; for (const b of buf) { c = (crc ^ b) & 0xff; for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1; crc = (crc >>> 8) ^ c } return (crc ^ 0xffffffff) >>> 0 }
function chunk(type, data) { const len = Buffer.alloc(4); len.writeUInt32BE(data.length); const td = Buffer.concat([Buffer.from(type), data]); const crc = Buffer.alloc(4); crc.writeUInt32BE(crc32(td)); return Buffer.concat([len, td, crc]) }
function png(alpha, [r, g, b]) {
  const raw = Buffer.alloc((S * 4 + 1) * S)
  for (let y = 0; y < S; y++) { raw[y * (S * 4 + 1)] = 0; for (let x = 0; x < S; x++) { const o = y * (S * 4 + 1) + 1 + x * 4; raw[o] = r; raw[o + 1] = g; raw[o + 2] = b; raw[o + 3] = alpha[y * S + x] } }
  const ihdr = Buffer.alloc(13); ihdr.writeUInt32BE(S, 0); ihdr.writeUInt32BE(S, 4); ihdr[8] = 8; ihdr[9] = 6
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', zlib.deflateSync(raw, { level: 9 })), chunk('IEND', Buffer.alloc(0))])
}
function render(inside) {
  const a = new Uint8Array(S * S)
  for (let y = 0; y < S; y++) for (let x = 0; x < S; x++) {
    let n = 0
    for (let sy = 0; sy < SS; sy++) for (let sx = 0; sx < SS; sx++) if (inside((x + (sx + 0.5) / SS) / S * 24, (y + (sy + 0.5) / SS) / S * 24)) n++
    a[y * S + x] = Math.round(255 * n / (SS * SS))
  }
  return a
}
// Shapes in a 24×24 box, 2-unit strokes.
const inRect = (x, y, x0, y0, x1, y1) => x >= x0 && x <= x1 && y >= y0 && y <= y1
const ring = (x, y, cx, cy, r, w) => { const d = Math.hypot(x - cx, y - cy); return d <= r && d >= r - w }
const shapes = {
  home(x, y) {
    // roof: two slanted strokes from (3,11) to (12,3) to (21,11)
    const roof = Math.abs((y - 3) - 0.889 * Math.abs(x - 12)) <= 1.4 && y <= 11.5 && x >= 2.5 && x <= 21.5
    const walls = (inRect(x, y, 5, 10, 7, 21) || inRect(x, y, 17, 10, 19, 21) || inRect(x, y, 5, 19, 19, 21))
    const door = inRect(x, y, 10.5, 14, 13.5, 21)
    return roof || walls || door
  },
  cases(x, y) {
    const outer = inRect(x, y, 4, 2.5, 20, 21.5) && !inRect(x, y, 6, 4.5, 18, 19.5)
    const lines = inRect(x, y, 8, 8, 16, 9.6) || inRect(x, y, 8, 11.5, 16, 13.1) || inRect(x, y, 8, 15, 13, 16.6)
    return outer || lines
  },
  points(x, y) {
    const coin = ring(x, y, 12, 12, 9.5, 2)
    // a small diamond in the middle
    const diamond = Math.abs(x - 12) + Math.abs(y - 12) <= 4
    return coin || diamond
  },
  me(x, y) {
    const head = ring(x, y, 12, 8, 4.5, 2)
    const dx = (x - 12) / 8.5, dy = (y - 21) / 7
    const body = y <= 21 && dx * dx + dy * dy <= 1 && !(y < 20.5 && ((x - 12) / 6.5) ** 2 + ((y - 21) / 5) ** 2 < 1)
    return head || body
  },
}
const out = new URL('../src/assets/tabbar', import.meta.url).pathname
for (const [name, fn] of Object.entries(shapes)) {
  const a = render(fn)
  fs.writeFileSync(`${out}/${name}.png`, png(a, [0x86, 0x90, 0x9c]))
  fs.writeFileSync(`${out}/${name}-active.png`, png(a, [0x16, 0x77, 0xff]))
}
