import { useState, type ReactNode } from 'react'
import { errorMessage } from '../api'
import { exportXlsx, type Column } from '../exportXlsx'

export interface TableColumn<T> extends Column<T> {
  /** What the cell shows, when more than its value (a link, a chip). */
  render?: (row: T) => ReactNode
  align?: 'left' | 'right'
  /** Left out of the spreadsheet (buttons). */
  noExport?: boolean
}

export const percent = (v: number | null) => (v === null ? '—' : `${(v * 100).toFixed(1)}%`)

/** A table with an 导出 Excel button that writes what it shows (all of `rows`) to .xlsx. */
export function DataTable<T>({ id, title, columns, rows, rowKey, exportName, onRowClick, toolbar }: {
  id?: string
  title?: string
  columns: TableColumn<T>[]
  rows: T[]
  rowKey: (row: T) => string | number
  exportName: string
  onRowClick?: (row: T) => void
  toolbar?: ReactNode
}) {
  const [exporting, setExporting] = useState(false)
  const [error, setError] = useState('')
  const doExport = async () => {
    setExporting(true)
    setError('')
    try {
      await exportXlsx(exportName, title ?? exportName, columns.filter((c) => !c.noExport), rows)
    } catch (err) {
      setError(errorMessage(err))
    } finally {
      setExporting(false)
    }
  }
  return (
    <div className='table-card' id={id}>
      <div className='table-card__head'>
        {title ? <h3>{title}</h3> : <span />}
        <div className='table-card__tools'>
          {toolbar}
          <button type='button' className='btn btn--ghost btn--small export-button' onClick={doExport} disabled={exporting || rows.length === 0}>
            {exporting ? '导出中…' : '导出 Excel'}
          </button>
        </div>
      </div>
      {error ? <div className='state state--error'>{error}</div> : null}
      <div className='table-scroll'>
        <table className='data-table'>
          <thead>
            <tr>{columns.map((c) => <th key={c.key} className={c.align === 'right' ? 'num' : undefined}>{c.title}</th>)}</tr>
          </thead>
          <tbody>
            {rows.length === 0 ? <tr><td colSpan={columns.length} className='muted'>暂无数据</td></tr> : null}
            {rows.map((row) => (
              <tr key={rowKey(row)} onClick={onRowClick ? () => onRowClick(row) : undefined} className={onRowClick ? 'clickable' : undefined}>
                {columns.map((c) => {
                  const value = c.value(row)
                  return (
                    <td key={c.key} className={c.align === 'right' ? 'num' : undefined}>
                      {c.render ? c.render(row) : c.percent ? percent(value as number | null) : (value ?? '—')}
                    </td>
                  )
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  )
}
