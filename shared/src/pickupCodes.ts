/**
 * Pickup codes: 16 characters of Crockford's base32 in groups of four (`7K2M-QX9D-…`). The alphabet has no
 * I, L, O or U, so a code read aloud or typed at a counter is not misread.
 */
export const PICKUP_CODE_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'
export const PICKUP_CODE_LENGTH = 16

/**
 * A code as staff heard or typed it, in the form it was issued: case, spaces, hyphens and other separators
 * do not matter, and O, I and L (which the alphabet leaves out) are read as 0, 1 and 1, as Crockford
 * intends. Anything that is not 16 characters long comes back without separators, for the caller to refuse.
 */
export function normalisePickupCode(heard: string): string {
  const chars = heard
    .toUpperCase()
    .replace(/[\s\-_.·—–]/g, '')
    .replace(/O/g, '0')
    .replace(/[IL]/g, '1')
  return chars.length === PICKUP_CODE_LENGTH ? chars.match(/.{4}/g)!.join('-') : chars
}
