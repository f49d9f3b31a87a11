/**
 * Delivers one claimed subscription queue: its oldest pending events, in event-number order, one request at a
 * time (so a correction never overtakes the event it corrects, RELIABILITY.md case 50). The subscriber is
 * re-authorized and consent re-checked first; a Bundle whose first attempt fails is kept for its retries. The first failure
 * ends the batch: the Da Vinci sender rules (SPECS.md §b1) decide what follows — 2xx delivered; 401/404 stop
 * delivery until the client re-requests the subscription; 429 retry later and slow down; anything else
 * (5xx, 3xx, other 4xx, timeout, refused address, network) retry with backoff until the horizon, then dead
 * letter. Outcomes, attempts, audits and status changes are then written in one transaction, shared with the
 * other queues recording at the same time (delivery-io.ts).
 */
import type { AuditOutcome } from '../audit/balp.ts';
import { nextAttempt } from './backoff.ts';
import { processMessageUrl } from './channels/davinci-message.ts';
import type { SendOutcome } from './channels/http-sender.ts';
import { postNotification } from './channels/rest-hook.ts';
import { type PendingDelivery, renewLease } from './claim.ts';
import { DAVINCI_CHANNEL } from './constants.ts';
import type { DeliveryContext } from './delivery-context.ts';
import { type NotifyAuditInput, notifyAuditEvent } from './audit.ts';
import { prepareBatch } from './prepare-batch.ts';
import type { DeliveryOutcome, OutcomeKind } from './record-outcomes.ts';
import { authorizeSubscriber } from './send-consent.ts';
import type { StatusChange } from './subscription-status.ts';
import type { SubscriptionRow } from './subscription-table.ts';

/** Works one claimed queue, then releases it. Never throws (errors are logged; the lease then expires). */
export async function deliverQueue(ctx: DeliveryContext, sub: SubscriptionRow): Promise<void> {
  try {
    const rows = await ctx.io.pending(sub.id);
    if (rows.length > 0) await deliverRows(ctx, sub, rows);
    await ctx.io.release(sub.id);
  } catch (error) {
    ctx.logger.warn({ err: (error as Error).message, subscription: sub.id }, 'notify: delivery batch failed; the queue is retried when its lease expires');
  }
}

async function deliverRows(ctx: DeliveryContext, sub: SubscriptionRow, rows: PendingDelivery[]): Promise<void> {
  const now = ctx.clock.now();
  const auth = await authorizeSubscriber(ctx.io.client, sub.owner_client, sub.purpose);
  const base = { recorded: now.toISOString(), gateway: ctx.gateway, clientId: sub.owner_client, subscriptionId: sub.id, purposeOfUse: sub.purpose };
  if (!auth.ok) {
    const outcomes = rows.map((row) => suppressed(row, auth.reason, now, { ...base }));
    for (const _ of outcomes) ctx.metrics.deliveries.inc({ channel: sub.channel, outcome: 'suppressed' });
    await ctx.io.record({ subscriptionId: sub.id, outcomes });
    return;
  }
  const audit = { ...base, organizationId: auth.client.organizationId };
  const prepared = await prepareBatch(ctx, sub, rows, auth.client);
  const headers = await ctx.io.headers(sub.id);
  const url = sub.channel === DAVINCI_CHANNEL ? processMessageUrl(sub.endpoint) : sub.endpoint;
  const outcomes: DeliveryOutcome[] = [];
  let change: StatusChange | undefined;
  let renewed = Date.now();
  for (const item of prepared) {
    if (ctx.stopping()) break;
    if ('suppressed' in item) {
      outcomes.push(suppressed(item.row, item.suppressed, ctx.clock.now(), audit));
      ctx.metrics.deliveries.inc({ channel: sub.channel, outcome: 'suppressed' });
      continue;
    }
    if (new Date(item.row.next_attempt_at).getTime() > ctx.clock.now().getTime()) break;
    if (Date.now() - renewed > ctx.config.leaseMs / 3) {
      if (!(await renewLease(ctx.db, sub.id, ctx.owner, new Date(ctx.clock.now().getTime() + ctx.config.leaseMs)))) break;
      renewed = Date.now();
    }
    const attemptedAt = ctx.clock.now();
    ctx.metrics.inFlight.inc();
    const sent = await postNotification(ctx.sender, { url, mime: sub.mime, headers, body: item.body, timeoutMs: sub.timeout_ms }).finally(() => ctx.metrics.inFlight.dec());
    if (ctx.stopping() && sent.error === 'ABORTED_NOTIFY') break;
    const judged = judge(ctx, sub, item.row, sent, attemptedAt);
    // A Bundle that did not get through is kept, so every retry sends the same one.
    const keep = judged.outcome.kind !== 'delivered' && typeof item.row.bundle !== 'string' ? { bundle: item.body } : {};
    outcomes.push({ ...judged.outcome, ...keep, audit: [notifyAuditEvent({ ...audit, kind: judged.outcome.kind === 'dead' ? 'dead-letter' : 'delivery', outcome: judged.auditOutcome, ...(judged.outcome.error ? { outcomeDesc: judged.outcome.error } : {}), ...focusOf(item.row) })] });
    ctx.metrics.deliveries.inc({ channel: sub.channel, outcome: judged.outcome.kind });
    if (judged.outcome.kind === 'delivered') {
      ctx.metrics.latency.observe({ channel: sub.channel }, Math.max(0, attemptedAt.getTime() + sent.durationMs - new Date(item.row.occurred_at).getTime()) / 1000);
      if (sub.status === 'error' && !sub.lost_events && (sub.error_code === 'delivery-failed' || sub.error_code === 'refused')) {
        change = { status: 'active', errorCode: null, errorText: null, from: ['error'] };
      }
      continue;
    }
    change = judged.change;
    break;
  }
  await ctx.io.record({ subscriptionId: sub.id, outcomes, ...(change ? { change } : {}) });
}

interface Judged {
  outcome: Omit<DeliveryOutcome, 'audit'>;
  auditOutcome: AuditOutcome;
  change?: StatusChange;
}

function judge(ctx: DeliveryContext, sub: SubscriptionRow, row: PendingDelivery, sent: SendOutcome, attemptedAt: Date): Judged {
  const common = { row, attemptedAt, sent: true, durationMs: sent.durationMs, ...(sent.status !== undefined ? { httpStatus: sent.status } : {}) };
  const status = sent.status ?? 0;
  if (status >= 200 && status < 300) return { outcome: { ...common, kind: 'delivered' }, auditOutcome: '0' };
  const reason = sent.status !== undefined ? `HTTP ${sent.status}` : `no response: ${sent.error ?? 'network error'}`;
  if (status === 401 || status === 404) {
    const error = `${reason} from the endpoint: delivery stopped until the subscription is re-requested`;
    return { outcome: { ...common, kind: 'stopped', error, nextAttemptAt: attemptedAt }, auditOutcome: '8', change: { status: 'error', errorCode: 'stopped', errorText: error, deliverable: false, from: ['active', 'error'] } };
  }
  const slowDown = status === 429;
  if (slowDown) ctx.slowDown(sub.endpoint_origin, Date.now() + (sent.retryAfterMs ?? ctx.backoff.baseMs * 4));
  const retry = nextAttempt(ctx.backoff, row.attempts + 1, new Date(row.created_at), attemptedAt, { slowDown, ...(sent.retryAfterMs !== undefined ? { retryAfterMs: sent.retryAfterMs } : {}) });
  if (!retry.retry) {
    const error = `${reason}; undelivered after the retry horizon: dead letter`;
    ctx.metrics.deadLetters.inc({ channel: sub.channel });
    ctx.logger.error({ subscription: sub.id, eventNumber: row.event_number }, 'notify: event dead-lettered after the retry horizon');
    return { outcome: { ...common, kind: 'dead', error }, auditOutcome: '8', change: { status: 'error', errorCode: 'dead-letter', errorText: `Event ${row.event_number} could not be delivered before the retry horizon (${reason}); recover it with $events`, lostEvents: true, from: ['active', 'error'] } };
  }
  ctx.metrics.retries.inc({ channel: sub.channel });
  const code = sent.refused ? 'refused' : 'delivery-failed';
  const error = `${reason}; retrying from ${retry.at.toISOString()}`;
  return {
    outcome: { ...common, kind: 'failed' as OutcomeKind, error, nextAttemptAt: retry.at },
    auditOutcome: '4',
    change: { status: 'error', errorCode: code, errorText: `Delivery failing (${reason}); retrying`, from: ['active', 'error'] },
  };
}

function suppressed(row: PendingDelivery, reason: string, at: Date, audit: Omit<NotifyAuditInput, 'kind' | 'outcome'>): DeliveryOutcome {
  return {
    row,
    kind: 'suppressed',
    attemptedAt: at,
    sent: false,
    durationMs: 0,
    error: reason,
    audit: [notifyAuditEvent({ ...audit, kind: 'suppression', outcome: '4', outcomeDesc: `Withheld: ${reason}`, ...focusOf(row) })],
  };
}

function focusOf(row: PendingDelivery): { focus: string; eventNumber: number; patientId?: string } {
  return { focus: `${row.focus_type}/${row.focus_id}/_history/${row.focus_version}`, eventNumber: row.event_number, ...(row.patient_id ? { patientId: row.patient_id } : {}) };
}
