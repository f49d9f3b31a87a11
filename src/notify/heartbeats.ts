/**
 * Heartbeats (backport-heartbeat-period, SPECS.md §b2; backport IG errors.md "Broken Communication"): a
 * rest-hook subscription that asked for them gets a `heartbeat` notification (no event, the current
 * events-since-subscription-start, the current status — `error` included, which the IG allows) whenever
 * nothing was sent to it for that period. Claimed by moving `last_sent_at`, so one instance sends each.
 * Attempts are logged (visible in `$status`); heartbeats carry no patient data and change no status.
 */
import { buildControlNotification, postNotification } from './channels/rest-hook.ts';
import { claimHeartbeats } from './claim.ts';
import type { DeliveryContext } from './delivery-context.ts';
import { insertAttempts } from './record-outcomes.ts';
import { readSecret } from './subscription-table.ts';

/** Sends the heartbeats due now; returns how many were sent. */
export async function sendDueHeartbeats(ctx: DeliveryContext, limit: number): Promise<number> {
  const now = ctx.clock.now();
  const due = await claimHeartbeats(ctx.db, now, limit);
  await Promise.all(
    due.map(async (sub) => {
      const bundle = buildControlNotification('heartbeat', { fhirBase: ctx.fhirBase, subscriptionId: sub.id, topic: sub.topic, status: sub.status, eventsSinceStart: sub.event_count, timestamp: now.toISOString() });
      const headers = (await readSecret(ctx.db, sub.id))?.headers ?? [];
      const sent = await postNotification(ctx.sender, { url: sub.endpoint, mime: sub.mime, headers, body: JSON.stringify(bundle), timeoutMs: sub.timeout_ms });
      const ok = sent.status !== undefined && sent.status >= 200 && sent.status < 300;
      ctx.metrics.deliveries.inc({ channel: sub.channel, outcome: ok ? 'heartbeat-ok' : 'heartbeat-failed' });
      await insertAttempts(ctx.store, [{
        subscriptionId: sub.id,
        eventNumber: null,
        kind: 'heartbeat',
        attemptedAt: now,
        durationMs: sent.durationMs,
        ...(sent.status !== undefined ? { httpStatus: sent.status } : {}),
        outcome: ok ? 'delivered' : 'failed',
        ...(ok ? {} : { error: sent.status !== undefined ? `HTTP ${sent.status}` : (sent.error ?? 'network error') }),
      }]);
    }),
  );
  return due.length;
}
