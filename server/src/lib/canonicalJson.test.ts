import { describe, expect, it } from 'vitest'
import { canonicalJson } from './canonicalJson'

describe('canonicalJson', () => {
  it('sorts keys at every depth, drops undefined members and keeps arrays in order', () => {
    const value = { b: [3, { z: 1, a: null, u: undefined }, 'x'], a: '安居 "q"', c: undefined, d: { y: true, x: 1.5 } }
    expect(canonicalJson(value)).toBe('{"a":"安居 \\"q\\"","b":[3,{"a":null,"z":1},"x"],"d":{"x":1.5,"y":true}}')
  })

  it('serialises the same value the same way whatever order its keys were written in', () => {
    expect(canonicalJson({ x: 1, y: [{ b: 2, a: 1 }] })).toBe(canonicalJson({ y: [{ a: 1, b: 2 }], x: 1 }))
  })

  it('writes undefined inside an array as null, like JSON.stringify', () => {
    expect(canonicalJson([undefined, 1])).toBe('[null,1]')
    expect(canonicalJson({})).toBe('{}')
    expect(canonicalJson([])).toBe('[]')
  })
})
