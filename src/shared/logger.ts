/**
 * The gateway's logger: pino, JSON lines, one child per request or message carrying its correlation id.
 * Patient data, resource bodies and search values never go into info-level logs.
 */
import pino, { type Logger } from 'pino';

export type { Logger };

export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'carebridge' },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: ['req.headers.authorization', 'headers.authorization', '*.client_assertion'], censor: '[redacted]' },
  });
}
