import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import mysql from 'mysql2/promise'

const MARIADBD = '/usr/sbin/mariadbd'

export interface PrivateMariadb {
  /** root over TCP, no password, database `test`. */
  url: string
  /** SIGKILLs the server (a crash: no clean shutdown) and waits for it to go. */
  kill(): Promise<void>
  /** Starts the server again on the same data directory (crash recovery) and waits until it answers. */
  start(): Promise<void>
  /** Ends the server and removes its data. */
  destroy(): Promise<void>
}

async function freePort(): Promise<number> {
  const probe = net.createServer()
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve))
  const { port } = probe.address() as net.AddressInfo
  await new Promise<void>((resolve) => probe.close(() => resolve()))
  return port
}

/**
 * A MariaDB server of the test's own, on its own port and data directory, for tests that crash and restart the
 * database or need server settings of their own (`args`, e.g. `--innodb-lock-wait-timeout=1`): the shared server
 * that other tests use is never touched.
 */
export async function startPrivateMariadb({ args = [] }: { args?: string[] } = {}): Promise<PrivateMariadb> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'anju-mariadb-'))
  const datadir = path.join(dir, 'data')
  const user = os.userInfo().username
  const install = spawnSync('mariadb-install-db', [
    '--no-defaults', `--datadir=${datadir}`, '--auth-root-authentication-method=normal', '--skip-test-db', `--user=${user}`,
  ], { encoding: 'utf8' })
  if (install.status !== 0) throw new Error(`mariadb-install-db failed: ${install.stderr || install.stdout}`)
  const port = await freePort()
  const url = `mysql://root@127.0.0.1:${port}/test`
  let server: ChildProcess | undefined

  async function answers(): Promise<boolean> {
    try {
      const conn = await mysql.createConnection({ host: '127.0.0.1', port, user: 'root', connectTimeout: 1000 })
      await conn.query('CREATE DATABASE IF NOT EXISTS test')
      await conn.end()
      return true
    } catch {
      return false
    }
  }

  const handle: PrivateMariadb = {
    url,
    async start() {
      server = spawn(MARIADBD, [
        '--no-defaults', `--datadir=${datadir}`, `--port=${port}`, '--bind-address=127.0.0.1',
        `--socket=${path.join(dir, 'mariadb.sock')}`, `--pid-file=${path.join(dir, 'mariadb.pid')}`, `--user=${user}`,
        '--innodb-buffer-pool-size=64M', '--max-connections=200', '--skip-name-resolve', ...args,
      ], { stdio: 'ignore' })
      const deadline = Date.now() + 60_000
      while (!(await answers())) {
        if (server.exitCode !== null || Date.now() > deadline) throw new Error('the private MariaDB did not start')
        await new Promise((resolve) => setTimeout(resolve, 200))
      }
    },
    async kill() {
      const s = server
      if (!s || s.exitCode !== null || s.signalCode !== null) return
      await new Promise<void>((resolve) => {
        s.once('exit', () => resolve())
        s.kill('SIGKILL')
      })
    },
    async destroy() {
      await handle.kill()
      fs.rmSync(dir, { recursive: true, force: true })
    },
  }
  await handle.start()
  return handle
}
