/**
 * The time the service's rules read, as a service rather than `new Date()`, so a test can run the server on the
 * same moved-forward time as a browser on Playwright's clock. Only the patrol routes read it so far: the
 * judgement compares the phone's fix times with when each batch arrived and when the patrol started.
 */
export interface Clock {
  now(): Date
}

export const systemClock: Clock = { now: () => new Date() }
