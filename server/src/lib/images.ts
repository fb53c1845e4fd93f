import sharp from 'sharp'

export type ImageType = 'image/jpeg' | 'image/png' | 'image/webp'

export const EXTENSIONS: Record<ImageType, string> = { 'image/jpeg': 'jpg', 'image/png': 'png', 'image/webp': 'webp' }

/** The image type by its first bytes, whatever the file name or declared type says; null if not one we take. */
export function sniffImageType(bytes: Buffer): ImageType | null {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg'
  if (bytes.length >= 8 && bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png'
  if (bytes.length >= 12 && bytes.toString('latin1', 0, 4) === 'RIFF' && bytes.toString('latin1', 8, 12) === 'WEBP') return 'image/webp'
  return null
}

/** Longest side of the copy everyone sees; phones already send compressed photos, this bounds the rest. */
const MAX_SIDE = 2048
/** Refuse decompression bombs before decoding. */
const MAX_INPUT_PIXELS = 40_000_000

/**
 * Re-encodes an image in its own format, turned upright by its EXIF orientation and with every bit of
 * metadata (EXIF, GPS, XMP, ICC) left behind: sharp writes none unless asked to keep it.
 * Throws when the bytes do not decode as an image.
 */
export async function reencodeWithoutMetadata(bytes: Buffer, type: ImageType) {
  let pipeline = sharp(bytes, { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'error' })
    .rotate()
    .resize({ width: MAX_SIDE, height: MAX_SIDE, fit: 'inside', withoutEnlargement: true })
  if (type === 'image/jpeg') pipeline = pipeline.jpeg({ quality: 82, mozjpeg: true })
  else if (type === 'image/png') pipeline = pipeline.png({ compressionLevel: 9 })
  else pipeline = pipeline.webp({ quality: 82 })
  const { data, info } = await pipeline.toBuffer({ resolveWithObject: true })
  return { bytes: data, width: info.width, height: info.height }
}
