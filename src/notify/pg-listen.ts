/**
 * A dedicated PostgreSQL connection that LISTENs for the outbox channel, so every gateway instance sharing the
 * database wakes its workers when any instance commits events (NOTIFY is delivered at commit). Reconnects
 * with a delay when the connection drops; the slow poll covers the gap. Only used when DATABASE_URL is known.
 */
import pg from 'pg';
import type { Logger } from '../shared/logger.ts';
import { NOTIFY_CHANNEL } from './listener.ts';
import type { WakeSignal } from './wake.ts';

export interface PgListener {
  close(): Promise<void>;
}

export function startPgListener(connectionString: string, wake: WakeSignal, logger: Logger): PgListener {
  let client: pg.Client | undefined;
  let closed = false;
  let retry: NodeJS.Timeout | undefined;
  const connect = async () => {
    if (closed) return;
    const next = new pg.Client({ connectionString, connectionTimeoutMillis: 5000 });
    next.on('notification', () => wake.wake());
    next.on('error', (error) => {
      logger.warn({ err: error.message }, 'notify: LISTEN connection lost');
      wake.setListening(false);
      void next.end().catch(() => undefined);
      schedule();
    });
    try {
      await next.connect();
      await next.query(`LISTEN ${NOTIFY_CHANNEL}`);
      if (closed) return void (await next.end().catch(() => undefined));
      client = next;
      wake.setListening(true);
      wake.wake();
    } catch (error) {
      logger.warn({ err: (error as Error).message }, 'notify: LISTEN connection failed; polling until it is back');
      void next.end().catch(() => undefined);
      schedule();
    }
  };
  const schedule = () => {
    if (closed || retry) return;
    retry = setTimeout(() => {
      retry = undefined;
      void connect();
    }, 2000);
    retry.unref();
  };
  void connect();
  return {
    async close() {
      closed = true;
      if (retry) clearTimeout(retry);
      wake.setListening(false);
      await client?.end().catch(() => undefined);
    },
  };
}
