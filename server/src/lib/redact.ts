const MASK = '＊＊＊'

/**
 * Things in a resident's words that identify a person, in the forms they are usually written: mobile numbers
 * (with or without +86 and separators), landlines with an area code, 18-digit ID card numbers, e-mail
 * addresses and licence plates (a plate names a car's owner to anyone who can look it up).
 */
const IDENTIFYING = [
  /\d{17}[\dXx]/g,
  /(?:\+?86[\s-]?)?1[3-9]\d(?:[\s-]?\d{4}){2}/g,
  /0\d{2,3}[\s-]?\d{7,8}/g,
  /[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g,
  /[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼使领][\s·]?[A-Za-z][\s·-]?[A-Za-z0-9]{5,6}/g,
]

/** The text with phone numbers, ID numbers, e-mail addresses and plates replaced by ＊＊＊, for public feeds. */
export function maskIdentifyingDetails(text: string): string {
  return IDENTIFYING.reduce((out, pattern) => out.replace(pattern, MASK), text)
}
