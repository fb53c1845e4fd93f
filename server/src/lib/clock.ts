/**
 * The time the service's rules read, as a service rather than `new Date()`, so a test can run the server on the
 * same moved-forward time as a browser on Playwright's clock. The patrol routes read it (the judgement compares
 * the phone's fix times with when each batch arrived and when the patrol started), and so do the award routes
 * (caps and budgets count by the China day and month of it; the ledger posts at it).
 */
export interface Clock {
  now(): Date
}

export const systemClock: Clock = { now: () => new Date() }
