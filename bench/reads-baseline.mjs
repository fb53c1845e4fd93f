// The baseline for bench/reads.ts: bare Koa answering one primary-key SELECT on the same MariaDB, through a
// mysql2 pool of the product's size. No router, middleware, authentication or validation.
import Koa from 'koa'
import mysql from 'mysql2/promise'

const pool = mysql.createPool({ uri: process.env.DATABASE_URL, connectionLimit: 20 })
const userId = Number(process.env.BASELINE_USER_ID)
const app = new Koa()
app.use(async (ctx) => {
  const [rows] = await pool.execute('SELECT id, display_name, role, region_id FROM users WHERE id = ?', [userId])
  ctx.body = rows[0]
})
const server = app.listen(Number(process.env.PORT), '127.0.0.1', () => {
  console.log(JSON.stringify({ msg: 'listening', port: server.address().port }))
})
process.on('SIGTERM', () => server.close(() => pool.end().then(() => process.exit(0))))
