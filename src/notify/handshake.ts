/**
 * The rest-hook handshake (backport IG channels.md/workflow.md, RELIABILITY.md case 46): a new or re-requested
 * Subscription stays `requested` until a `handshake` notification (no event, the current event count) is
 * POSTed to its endpoint with its headers; a 2xx makes it `active` and starts delivery, anything else (or a
 * refused address) makes it `error` with the reason — the response body is never kept or shown. The
 * client re-requests to try again. Sent asynchronously by the workers, right after the write commits, so a
 * create never holds its transaction open on someone else's server; the client sees the outcome on the
 * Subscription or through `$status`. Da Vinci `$process-message` receivers define no handshake: those
 * subscriptions are activated without one (the endpoint is still checked at every send).
 */
import { buildControlNotification, postNotification } from './channels/rest-hook.ts';
import { releaseLease } from './claim.ts';
import { DAVINCI_CHANNEL } from './constants.ts';
import type { DeliveryContext } from './delivery-context.ts';
import { notifyAuditEvent } from './audit.ts';
import { insertAttempts } from './record-outcomes.ts';
import { authorizeSubscriber } from './send-consent.ts';
import { applyStatusChange } from './subscription-status.ts';
import { type SubscriptionRow, readSecret } from './subscription-table.ts';

export async function performHandshake(ctx: DeliveryContext, sub: SubscriptionRow): Promise<void> {
  try {
    const now = ctx.clock.now();
    const auth = await authorizeSubscriber((id) => ctx.clients.find(id), sub.owner_client, sub.purpose);
    let ok = false;
    let reason = '';
    let outcome = { durationMs: 0 } as { durationMs: number; status?: number; error?: string };
    if (!auth.ok) {
      reason = auth.reason;
    } else if (sub.channel === DAVINCI_CHANNEL) {
      ok = true;
    } else {
      const bundle = buildControlNotification('handshake', { fhirBase: ctx.fhirBase, subscriptionId: sub.id, topic: sub.topic, status: 'requested', eventsSinceStart: sub.event_count, timestamp: now.toISOString() });
      const headers = (await readSecret(ctx.db, sub.id))?.headers ?? [];
      outcome = await postNotification(ctx.sender, { url: sub.endpoint, mime: sub.mime, headers, body: JSON.stringify(bundle), timeoutMs: sub.timeout_ms });
      ok = outcome.status !== undefined && outcome.status >= 200 && outcome.status < 300;
      reason = outcome.status !== undefined ? `HTTP ${outcome.status}` : `no response: ${outcome.error ?? 'network error'}`;
    }
    ctx.metrics.deliveries.inc({ channel: sub.channel, outcome: ok ? 'handshake-ok' : 'handshake-failed' });
    await ctx.store.transaction(async (tx) => {
      await insertAttempts(tx, [{ subscriptionId: sub.id, eventNumber: null, kind: 'handshake', attemptedAt: now, durationMs: outcome.durationMs, ...(outcome.status !== undefined ? { httpStatus: outcome.status } : {}), outcome: ok ? 'delivered' : 'failed', ...(ok ? {} : { error: reason }) }]);
      await tx.createMany([notifyAuditEvent({ kind: 'handshake', outcome: ok ? '0' : '4', ...(ok ? {} : { outcomeDesc: `Handshake failed: ${reason}` }), recorded: now.toISOString(), gateway: ctx.gateway, clientId: sub.owner_client, ...(auth.ok ? { organizationId: auth.client.organizationId } : {}), purposeOfUse: sub.purpose, subscriptionId: sub.id })]);
      await applyStatusChange(tx, sub.id, ok
        ? { status: 'active', deliverable: true, handshakeDone: true, errorCode: null, errorText: null, from: ['requested'] }
        : { status: 'error', deliverable: false, handshakeDone: true, errorCode: 'handshake-failed', errorText: `Handshake failed: ${reason}`, from: ['requested'] }, now);
    });
    await releaseLease(ctx.db, sub.id, ctx.owner);
  } catch (error) {
    ctx.logger.warn({ err: (error as Error).message, subscription: sub.id }, 'notify: handshake failed to complete; retried when the lease expires');
  }
}
