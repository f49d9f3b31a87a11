/**
 * The server's side of the Subscription status (backport IG errors.md, SPECS.md §b2): `requested` → `active`
 * when the handshake passes, → `error` when it fails; `active` → `error` when deliveries fail (retries carry on
 * in the background), and back to `active` once a retry gets through — unless an event was lost to the dead
 * letter or a 401/404 stopped delivery, in which case only the client re-activates it (by setting the status
 * back to `requested`), so it cannot miss that something was lost. Written to the stored Subscription (with
 * its `error` text) and to `notify_subscription` in the caller's transaction.
 */
import type { Subscription } from 'fhir/r4.js';
import type { FhirStore } from '../store/fhir-store.ts';

export interface StatusChange {
  status?: 'active' | 'error';
  /** Machine code of the error (`handshake-failed`, `delivery-failed`, `stopped`, `dead-letter`, `refused`); null clears. */
  errorCode?: string | null;
  errorText?: string | null;
  deliverable?: boolean;
  lostEvents?: boolean;
  /** Clears the pending handshake. */
  handshakeDone?: boolean;
  /** The status is changed only from these (a client's newer `requested` or `off` is never overwritten). */
  from: Subscription['status'][];
}

/** Applies `change` to Subscription `id` through `tx` (a store inside the caller's transaction). */
export async function applyStatusChange(tx: FhirStore, id: string, change: StatusChange, now: Date): Promise<void> {
  const current = (await tx.find('Subscription', id)) as Subscription | undefined;
  if (!current || !change.from.includes(current.status)) return;
  const sets: string[] = [];
  const params: (string | boolean | null)[] = [id];
  const set = (column: string, value: string | boolean | null) => {
    params.push(value);
    sets.push(`${column} = $${params.length}`);
  };
  if (change.deliverable !== undefined) set('deliverable', change.deliverable);
  if (change.lostEvents !== undefined) set('lost_events', change.lostEvents);
  if (change.errorCode !== undefined) set('error_code', change.errorCode);
  if (change.errorText !== undefined) set('error_text', change.errorText);
  if (change.handshakeDone) sets.push('handshake_due_at = null');
  if (change.handshakeDone && change.status === 'active') {
    params.push(now.toISOString());
    sets.push(`last_sent_at = $${params.length}`);
  }
  if (sets.length > 0) await tx.sql.query(`update notify_subscription set ${sets.join(', ')} where id = $1`, params);
  if (!change.status) return;
  const next: Subscription = { ...current, status: change.status };
  if (change.status === 'error' && change.errorText) next.error = change.errorText;
  if (change.status === 'active') delete next.error;
  if (next.status === current.status && next.error === current.error) return;
  await tx.update(next);
}
