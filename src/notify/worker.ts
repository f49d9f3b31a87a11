/**
 * The delivery worker of one gateway instance: a loop that claims due handshakes and subscription queues
 * (claim.ts) up to a global concurrency cap, at most `endpointConcurrency` queues per endpoint origin (one
 * while that origin is slowed down by a 429), so a slow or failing subscriber only ever occupies its own
 * slots (RELIABILITY.md case 51). It wakes on new outbox rows (wake.ts) or the slow poll, sends due
 * heartbeats, and sweeps the outbox. `stop()` stops claiming, lets in-flight sends finish for a grace period,
 * then aborts them — an aborted event stays pending, uncounted, and is sent after restart — and releases
 * every lease.
 */
import { randomUUID } from 'node:crypto';
import { claimHandshakes, claimQueues, releaseLease } from './claim.ts';
import type { DeliveryContext } from './delivery-context.ts';
import { createDeliveryIo } from './delivery-io.ts';
import { deliverQueue } from './delivery.ts';
import { performHandshake } from './handshake.ts';
import { sendDueHeartbeats } from './heartbeats.ts';
import { sweepOutbox } from './retention.ts';
import type { WakeSignal } from './wake.ts';

export interface Worker {
  start(): void;
  stop(): Promise<void>;
}

const SWEEP_EVERY_MS = 60_000;

export function createWorker(base: Omit<DeliveryContext, 'owner' | 'io' | 'stopping' | 'slowDown'>, wake: WakeSignal): Worker {
  const owner = `${process.pid}-${randomUUID().slice(0, 8)}`;
  const active = new Set<Promise<void>>();
  /** Subscriptions this instance is working now: never claimed twice, even if a clock jump makes a lease look expired. */
  const working = new Set<string>();
  const perOrigin = new Map<string, number>();
  const slowUntil = new Map<string, number>();
  let stopping = false;
  let loop: Promise<void> | undefined;
  const ctx: DeliveryContext = {
    ...base,
    owner,
    io: createDeliveryIo({ db: base.db, store: base.store, clients: base.clients, clock: base.clock, owner, batchSize: base.config.batchSize }),
    stopping: () => stopping,
    slowDown: (origin, until) => void slowUntil.set(origin, Math.max(until, slowUntil.get(origin) ?? 0)),
  };
  const { config } = base;
  const capOf = (origin: string) => ((slowUntil.get(origin) ?? 0) > Date.now() ? 1 : config.endpointConcurrency);
  const track = (id: string, origin: string | undefined, work: () => Promise<void>) => {
    if (origin) perOrigin.set(origin, (perOrigin.get(origin) ?? 0) + 1);
    working.add(id);
    const task = work().finally(() => {
      active.delete(task);
      working.delete(id);
      if (origin) perOrigin.set(origin, (perOrigin.get(origin) ?? 1) - 1);
      wake.wake();
    });
    active.add(task);
  };
  let nextHeartbeat = 0;
  let heartbeatRunning = false;
  let nextSweep = Date.now() + 1000;

  async function cycle(): Promise<boolean> {
    const now = ctx.clock.now();
    const lease = new Date(now.getTime() + config.leaseMs);
    let claimed = 0;
    const handshakes = await claimHandshakes(ctx.db, owner, now, lease, Math.min(8, config.globalConcurrency - active.size), [...working]);
    for (const sub of handshakes) track(sub.id, undefined, () => performHandshake(ctx, sub));
    claimed += handshakes.length;
    const busy = [...perOrigin].filter(([origin, count]) => count >= capOf(origin)).map(([origin]) => origin);
    const queues = await claimQueues(ctx.db, owner, now, lease, config.globalConcurrency - active.size, busy, [...working]);
    for (const sub of queues) {
      if ((perOrigin.get(sub.endpoint_origin) ?? 0) >= capOf(sub.endpoint_origin)) {
        await releaseLease(ctx.db, sub.id, owner);
        continue;
      }
      track(sub.id, sub.endpoint_origin, () => deliverQueue(ctx, sub));
      claimed++;
    }
    if (Date.now() >= nextHeartbeat && !heartbeatRunning) {
      nextHeartbeat = Date.now() + config.heartbeatScanMs;
      heartbeatRunning = true;
      void sendDueHeartbeats(ctx, 32)
        .catch((error: unknown) => ctx.logger.warn({ err: (error as Error).message }, 'notify: heartbeat scan failed'))
        .finally(() => void (heartbeatRunning = false));
    }
    if (Date.now() >= nextSweep) {
      nextSweep = Date.now() + SWEEP_EVERY_MS;
      const swept = await sweepOutbox(ctx.db, now, config.retryHorizonMs, config.retentionMs);
      if (swept.deadLettered > 0) {
        ctx.metrics.deadLetters.inc({ channel: 'any' }, swept.deadLettered);
        ctx.logger.error({ events: swept.deadLettered }, 'notify: events of undeliverable subscriptions dead-lettered after the retry horizon');
      }
    }
    return claimed > 0 && active.size < config.globalConcurrency;
  }

  async function run(): Promise<void> {
    let failures = 0;
    while (!stopping) {
      try {
        const more = await cycle();
        failures = 0;
        if (!more && !stopping) await wake.wait(config.pollMs);
      } catch (error) {
        failures++;
        if (stopping) break;
        ctx.logger.warn({ err: (error as Error).message }, 'notify: worker cycle failed; backing off');
        await wake.wait(Math.min(30_000, config.pollMs * 2 ** Math.min(failures, 6)));
      }
    }
  }

  return {
    start() {
      loop ??= run();
    },
    async stop() {
      stopping = true;
      wake.wake();
      await loop;
      const settled = Promise.allSettled([...active]);
      const grace = new Promise<'grace'>((resolve) => setTimeout(() => resolve('grace'), config.stopGraceMs).unref());
      if ((await Promise.race([settled, grace])) === 'grace') base.sender.abortAll();
      await settled;
    },
  };
}
