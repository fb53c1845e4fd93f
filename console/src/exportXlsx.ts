/** One column of a table as people read it and as it goes into a spreadsheet. */
export interface Column<T> {
  key: string
  /** Chinese header, used on screen and as the spreadsheet's header row. */
  title: string
  /** The cell's value: numbers stay numbers in the spreadsheet. */
  value: (row: T) => string | number | null
  /** Rates (0–1) shown as percentages. */
  percent?: boolean
}

/**
 * Writes `rows` as an .xlsx workbook (one sheet, a bold header row of Chinese titles, percentages formatted)
 * and hands it to the browser as a download. exceljs is loaded only when someone exports.
 */
export async function exportXlsx<T>(filename: string, sheetName: string, columns: Column<T>[], rows: T[]): Promise<void> {
  const { default: ExcelJS } = await import('exceljs')
  const workbook = new ExcelJS.Workbook()
  workbook.creator = '安居治理驾驶舱'
  workbook.created = new Date()
  const sheet = workbook.addWorksheet(sheetName.slice(0, 31))
  sheet.columns = columns.map((c) => ({ header: c.title, key: c.key, width: Math.max(10, c.title.length * 2 + 4) }))
  sheet.getRow(1).font = { bold: true }
  for (const row of rows) sheet.addRow(Object.fromEntries(columns.map((c) => [c.key, c.value(row)])))
  columns.forEach((c, i) => {
    if (c.percent) sheet.getColumn(i + 1).numFmt = '0.0%'
  })
  const buffer = await workbook.xlsx.writeBuffer()
  const url = URL.createObjectURL(new Blob([buffer], { type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' }))
  const a = document.createElement('a')
  a.href = url
  a.download = filename.endsWith('.xlsx') ? filename : `${filename}.xlsx`
  document.body.appendChild(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
}
