// Draws the checkpoint markers of the patrol map (48×48 PNG, shown at 24×24) into
// src/packages/patrol/assets/, so they stay tiny and can be redrawn: node miniapp/scripts/make-map-markers.mjs
import sharp from 'sharp'

const markers = {
  // A checkpoint already checked in at: green disc with a white tick.
  'checkpoint-done': `<circle cx="24" cy="24" r="20" fill="#00b42a" stroke="#fff" stroke-width="4"/>
    <path d="M15 24.5l6 6 12-13" fill="none" stroke="#fff" stroke-width="4.5" stroke-linecap="round" stroke-linejoin="round"/>`,
  // One still to visit: white disc with a red ring and dot.
  checkpoint: `<circle cx="24" cy="24" r="19" fill="#fff" stroke="#f53f3f" stroke-width="6"/>
    <circle cx="24" cy="24" r="6" fill="#f53f3f"/>`,
}
const out = new URL('../src/packages/patrol/assets/', import.meta.url).pathname
for (const [name, shapes] of Object.entries(markers)) {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="48" height="48" viewBox="0 0 48 48">${shapes}</svg>`
  await sharp(Buffer.from(svg)).png({ compressionLevel: 9, palette: true }).toFile(`${out}${name}.png`)
}
