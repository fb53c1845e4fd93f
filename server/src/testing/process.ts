import { spawn, type ChildProcess } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import os from 'node:os'
import path from 'node:path'
import { REPO_ROOT } from '../config'

export interface AnjuProcess {
  child: ChildProcess
  /** Everything written to stdout and stderr so far. */
  output(): string
  /** Resolves with the first JSON log line whose msg matches, or rejects when the process exits first. */
  waitForLog(match: RegExp, timeoutMs?: number): Promise<Record<string, unknown>>
  /** Resolves with the exit code (or the signal's name) once the process has ended. */
  exited: Promise<number | string>
  /** Ends the process if it still runs (SIGKILL), and waits for it. */
  kill(): Promise<void>
}

const MAIN = path.join(REPO_ROOT, 'server', 'src', 'main.ts')
/** What `npm run build:server` writes: the production entry, run by plain node. */
export const COMPILED_MAIN = path.join(REPO_ROOT, 'server', 'dist', 'main.js')

/**
 * Runs `main.ts <command>` as its own process with exactly `env` (plus PATH and HOME): the real entry point,
 * for tests of start-up checks, signals and crashes. Ledger checkpoints go to a file of the process's own unless
 * `env` names one, never to the repository's data/ beside the demo's.
 */
export function spawnAnju(command: string, env: Record<string, string>, { compiled = false }: { compiled?: boolean } = {}): AnjuProcess {
  // `node --import tsx` for the sources: the tsx command would stand between us and the process and SIGKILL it
  // when it is too busy to acknowledge a relayed signal within 30 ms. `compiled` runs the build under plain node.
  const args = compiled ? [COMPILED_MAIN, command] : ['--import', 'tsx', MAIN, command]
  const child = spawn(process.execPath, args, {
    cwd: REPO_ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      LEDGER_CHECKPOINT_FILE: path.join(os.tmpdir(), `anju-checkpoints-${randomUUID()}.jsonl`),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let text = ''
  const lineWaiters = new Set<() => void>()
  const onData = (chunk: Buffer) => {
    text += chunk.toString('utf8')
    for (const wake of lineWaiters) wake()
  }
  child.stdout!.on('data', onData)
  child.stderr!.on('data', onData)
  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => {
      for (const wake of lineWaiters) wake()
      resolve(code ?? signal ?? -1)
    })
  })
  const findLog = (match: RegExp) => {
    for (const line of text.split('\n')) {
      if (!line.startsWith('{')) continue
      try {
        const entry = JSON.parse(line) as Record<string, unknown>
        if (typeof entry.msg === 'string' && match.test(entry.msg)) return entry
      } catch {
        // a partial line: wait for the rest
      }
    }
    return undefined
  }
  return {
    child,
    exited,
    output: () => text,
    waitForLog(match, timeoutMs = 60_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => finish(new Error(`no log line matching ${match} within ${timeoutMs} ms:\n${text}`)), timeoutMs)
        const check = () => {
          const entry = findLog(match)
          if (entry) return finish(undefined, entry)
          if (child.exitCode !== null || child.signalCode !== null) finish(new Error(`process ended before logging ${match}:\n${text}`))
        }
        function finish(err?: Error, entry?: Record<string, unknown>) {
          clearTimeout(timer)
          lineWaiters.delete(check)
          if (err) reject(err)
          else resolve(entry!)
        }
        lineWaiters.add(check)
        check()
      })
    },
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
      await exited
    },
  }
}
