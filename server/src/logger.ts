import pino, { type Logger } from 'pino'

/** Structured JSON logs; tokens and passwords never reach them. */
export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'anju' },
    redact: { paths: ['*.password', '*.accessToken', '*.refreshToken', '*.session_key', '*.authorization'], censor: '[redacted]' },
  })
}
