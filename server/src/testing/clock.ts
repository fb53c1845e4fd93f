import type { Clock } from '../lib/clock'

export interface MovableClock extends Clock {
  /** Moves this clock forward; it keeps running with the system's from there. */
  advance(ms: number): void
}

/**
 * A clock that runs with the system's and can be moved forward: the server's side of a browser test on
 * Playwright's clock. Install the page's clock at `now()` and move both by the same amount, and the browser and
 * the server agree on the time, so the server judges what the app sends by its real rules.
 */
export function movableClock(): MovableClock {
  let offsetMs = 0
  return {
    now: () => new Date(Date.now() + offsetMs),
    advance(ms) {
      offsetMs += ms
    },
  }
}
