/**
 * How delivery workers learn of new outbox rows without polling hard: `afterCommit()` is called by the write
 * listener just before its transaction commits. On PGlite (one connection) the worker's next query waits for
 * that commit, so an immediate wake is enough. On PostgreSQL the commit comes a moment later on another
 * connection: with a LISTEN connection (pg-listen.ts) the database's own NOTIFY, delivered at commit, wakes
 * the worker; without one, a few short follow-up wakes cover the commit. A slow poll backs both up.
 */
export interface WakeSignal {
  wake(): void;
  afterCommit(): void;
  /** Resolves on the next wake (at once if one came since the last wait) or after `ms`. */
  wait(ms: number): Promise<void>;
  /** Set when a LISTEN connection delivers commit-time notifications. */
  setListening(listening: boolean): void;
}

const FOLLOW_UPS_MS = [2, 10, 40];

export function createWakeSignal(engine: 'postgres' | 'pglite'): WakeSignal {
  let pending = false;
  let waiter: (() => void) | undefined;
  let listening = false;
  let followUps = false;
  const wake = () => {
    if (waiter) {
      const resolve = waiter;
      waiter = undefined;
      resolve();
    } else {
      pending = true;
    }
  };
  return {
    wake,
    afterCommit() {
      wake();
      if (engine !== 'postgres' || listening || followUps) return;
      followUps = true;
      for (const [i, ms] of FOLLOW_UPS_MS.entries()) {
        setTimeout(() => {
          if (i === FOLLOW_UPS_MS.length - 1) followUps = false;
          wake();
        }, ms).unref();
      }
    },
    wait(ms) {
      if (pending) {
        pending = false;
        return Promise.resolve();
      }
      return new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          if (waiter === done) waiter = undefined;
          resolve();
        }, ms);
        timer.unref();
        const done = () => {
          clearTimeout(timer);
          resolve();
        };
        waiter = done;
      });
    },
    setListening(value) {
      listening = value;
    },
  };
}
