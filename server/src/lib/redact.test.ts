import { describe, expect, it } from 'vitest'
import { maskIdentifyingDetails } from './redact'

describe('maskIdentifyingDetails', () => {
  it.each([
    ['联系我 13812345678', '联系我 ＊＊＊'],
    ['电话 +86 138-1234-5678 随时', '电话 ＊＊＊ 随时'],
    ['座机0731-58881234', '座机＊＊＊'],
    ['身份证43030219900101123X丢了', '身份证＊＊＊丢了'],
    ['邮箱 zhang.san@example.com', '邮箱 ＊＊＊'],
    ['湘C12345 停在消防通道', '＊＊＊ 停在消防通道'],
    ['新能源湘CD12345占道', '新能源＊＊＊占道'],
  ])('masks %s', (input, masked) => {
    expect(maskIdentifyingDetails(input)).toBe(masked)
  })

  it('leaves ordinary words and short numbers alone', () => {
    const text = '3 栋门口的路灯坏了 2 天，晚上 10 点以后很暗'
    expect(maskIdentifyingDetails(text)).toBe(text)
  })
})
