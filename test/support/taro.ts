import type { Page } from 'playwright-core'
import { expect } from 'vitest'

/**
 * Turns the open Taro h5 picker's wheel to `label` and confirms it. On h5 the wheel is dragged: items below
 * the middle row lie under the sheet's edge and cannot be clicked. The first item needs no drag.
 */
export async function pickOption(page: Page, label: string) {
  const picker = page.locator('.weui-picker').filter({ visible: true })
  await expect.poll(() => picker.count(), { timeout: 5_000 }).toBe(1)
  const index = (await picker.locator('.weui-picker__item').allTextContents()).indexOf(label)
  expect(index, label).toBeGreaterThanOrEqual(0)
  const group = picker.locator('.weui-picker__group').first()
  const screenHeight = page.viewportSize()!.height
  // The sheet slides up from the bottom: wait until it has arrived.
  await expect.poll(async () => {
    const box = await group.boundingBox()
    return box !== null && box.y + box.height <= screenHeight
  }, { timeout: 5_000 }).toBe(true)
  if (index > 0) {
    const box = (await group.boundingBox())!
    const row = (await picker.locator('.weui-picker__item').first().boundingBox())!.height
    const x = box.x + box.width / 2
    const y = box.y + box.height / 2
    await page.mouse.move(x, y)
    await page.mouse.down()
    for (let step = 1; step <= 10; step++) await page.mouse.move(x, y - (row * index * step) / 10)
    await page.mouse.up()
  }
  await picker.locator('.weui-picker__action').filter({ hasText: '确定' }).click()
}
