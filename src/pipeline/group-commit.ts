/**
 * Group commit for ingest: messages that arrive while a transaction is busy (from any connection or channel)
 * are processed together in the next one, and each learns its outcome only after that transaction committed,
 * so no ACK ever precedes the durable commit of what it acknowledges (RELIABILITY.md §7.1, §7.3). One commit
 * (one WAL flush, with synchronous_commit on) then serves many messages.
 *
 * Batches form by themselves: a job arriving when its lane is free starts a transaction at once (no added
 * delay); jobs arriving meanwhile wait for the lane's next one. Within a lane, jobs run one after another in
 * arrival order, each in its own savepoint unit where it needs one (the caller's `work` decides), so a failing
 * job does not fail its neighbours. While one transaction commits, the lane's next batch may already run (on
 * another connection): it waits for the locks the committing one holds.
 *
 * Lanes run side by side on their own connections, because a message's work is a chain of dependent statements
 * and one lane leaves the database mostly waiting for the next round trip. A job's key picks its lane (the same
 * key always the same lane), so work on one patient stays in arrival order and does not contend with itself.
 */
import type { FhirStore } from '../store/fhir-store.ts';

/** One unit of work: runs inside the shared transaction; must leave it usable (use savepoints for what may fail). */
export type GroupWork<T> = (tx: FhirStore) => Promise<T>;

export interface GroupCommit {
  /** Runs `work` in the next shared transaction of `key`'s lane; resolves with its result once that transaction committed. */
  run<T>(work: GroupWork<T>, key?: string): Promise<T>;
  /** Resolves when no job is queued or running (for shutdown). */
  idle(): Promise<void>;
}

interface Job {
  work: GroupWork<unknown>;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

export interface GroupCommitOptions {
  /** Most jobs in one transaction (bounds the latency of the first job of a large batch). */
  maxBatch: number;
  /** Transactions that may run jobs at the same time (default 1). */
  lanes?: number;
}

interface Lane {
  queue: Job[];
  /** A batch of this lane is running its jobs (at most one is; others may be committing). */
  working: boolean;
}

/** A group-commit queue over `store` (whose transactions it opens). */
export function createGroupCommit(store: FhirStore, options: GroupCommitOptions): GroupCommit {
  const lanes: Lane[] = Array.from({ length: Math.max(1, options.lanes ?? 1) }, () => ({ queue: [], working: false }));
  /** Batches started and not yet settled (committed or failed). */
  let active = 0;
  let idleWaiters: (() => void)[] = [];
  const isIdle = () => active === 0 && lanes.every((lane) => lane.queue.length === 0);

  const startBatch = (lane: Lane): void => {
    if (lane.working || lane.queue.length === 0) return;
    lane.working = true;
    active++;
    const batch = lane.queue.splice(0, options.maxBatch);
    const outcomes: ({ ok: true; value: unknown } | { ok: false; error: unknown })[] = [];
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      lane.working = false;
      queueMicrotask(() => startBatch(lane));
    };
    store
      .transaction(async (tx) => {
        for (const job of batch) {
          try {
            outcomes.push({ ok: true, value: await job.work(tx) });
          } catch (error) {
            outcomes.push({ ok: false, error });
          }
        }
        // The jobs are done; what is left is the commit. The lane's next batch may start meanwhile.
        release();
      })
      .then(
        () => batch.forEach((job, i) => {
          const outcome = outcomes[i];
          if (outcome?.ok === true) job.resolve(outcome.value);
          else job.reject(outcome?.error);
        }),
        // Nothing of this batch is durable: every job fails with the transaction's error (no ACK is sent).
        (error: unknown) => batch.forEach((job) => job.reject(error)),
      )
      .finally(() => {
        release();
        active--;
        if (!isIdle()) return;
        for (const wake of idleWaiters) wake();
        idleWaiters = [];
      });
  };

  return {
    run<T>(work: GroupWork<T>, key?: string): Promise<T> {
      const lane = lanes[key === undefined ? 0 : laneOf(key, lanes.length)] as Lane;
      return new Promise<T>((resolve, reject) => {
        lane.queue.push({ work: work as GroupWork<unknown>, resolve: resolve as (value: unknown) => void, reject });
        startBatch(lane);
      });
    },
    idle() {
      return isIdle() ? Promise.resolve() : new Promise<void>((resolve) => idleWaiters.push(resolve));
    },
  };
}

/** A stable lane for `key` (FNV-1a). */
function laneOf(key: string, count: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) hash = Math.imul(hash ^ key.charCodeAt(i), 0x01000193);
  return (hash >>> 0) % count;
}
