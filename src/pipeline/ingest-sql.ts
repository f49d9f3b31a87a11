/**
 * The ingest transaction's own statements, each one round trip: the advisory locks of a message (its
 * idempotency key, its patient identifiers and its visit, in that order), its claim (an earlier copy under the
 * same key, a control id reused with other content, and the ordering state of the resources it maps to), and
 * at the end its ordering states together with its raw-message row.
 */
import type { NewRawMessage, RawStatus } from '../ingest/raw-store.ts';
import type { SqlClient } from '../store/db.ts';

/** Takes the transaction-scoped advisory locks of `keys`, in order (as consecutive `FhirStore.lock` calls). */
export async function lockKeys(sql: SqlClient, keys: readonly string[]): Promise<void> {
  await sql.query('select count(pg_advisory_xact_lock(hashtextextended(k, 0))) from unnest($1::text[]) as k', [keys]);
}

/** The raw message already stored under a message's key and content. */
export interface StoredCopy {
  id: number;
  status: RawStatus;
  ack?: string;
  ackCode?: string;
}

/** What the database knows about a message before it is processed. */
export interface Claim {
  existing: StoredCopy | undefined;
  /** The control id was used before with other content (a sender whose counter reset). */
  reused: boolean;
  /** Time (ms) of the latest event applied to each `Type/id` asked for; undefined when none was. */
  states: Map<string, number | undefined>;
}

interface ClaimRow {
  kind: 'claim' | 'state';
  resource_type: string | null;
  id: string | null;
  at: Date | string | null;
  existing: { id: number; status: RawStatus; ack: string | null; ack_code: string | null } | null;
  reused: boolean;
}

/** Reads a message's claim in one statement: `key` is (facility, application, control id, hash). */
export async function claimMessage(sql: SqlClient, key: readonly [string, string, string, string], stateKeys: readonly string[]): Promise<Claim> {
  const split = stateKeys.map((k) => [k.slice(0, k.indexOf('/')), k.slice(k.indexOf('/') + 1)] as const);
  const rows = await sql.query<ClaimRow>(
    `select 'claim' as kind, null::text as resource_type, null::text as id, null::timestamptz as at,
        (select json_build_object('id', id, 'status', status, 'ack', ack, 'ack_code', ack_code) from hl7_message
          where sending_facility = $1 and sending_application = $2 and control_id = $3 and content_hash = $4 order by id limit 1) as existing,
        exists(select 1 from hl7_message where sending_facility = $1 and sending_application = $2 and control_id = $3 and content_hash <> $4) as reused
     union all
     select 'state', resource_type, id, last_event_at, null, false from hl7_resource_state
       where (resource_type, id) in (select * from unnest($5::text[], $6::text[]))`,
    [...key, split.map(([type]) => type), split.map(([, id]) => id)],
  );
  const claim: Claim = { existing: undefined, reused: false, states: new Map(stateKeys.map((k) => [k, undefined])) };
  for (const row of rows) {
    if (row.kind === 'state' && row.at !== null) claim.states.set(`${row.resource_type}/${row.id}`, new Date(row.at).getTime());
    if (row.kind !== 'claim') continue;
    claim.reused = row.reused;
    const existing = row.existing;
    if (existing) claim.existing = { id: Number(existing.id), status: existing.status, ...(existing.ack === null ? {} : { ack: existing.ack }), ...(existing.ack_code === null ? {} : { ackCode: existing.ack_code }) };
  }
  return claim;
}

/** The ordering states of resources not asked for in the claim (a patient the matcher pointed elsewhere). */
export async function readStates(sql: SqlClient, keys: readonly string[]): Promise<Map<string, number | undefined>> {
  const split = keys.map((k) => [k.slice(0, k.indexOf('/')), k.slice(k.indexOf('/') + 1)] as const);
  const rows = await sql.query<{ resource_type: string; id: string; at: Date | string }>(
    'select resource_type, id, last_event_at as at from hl7_resource_state where (resource_type, id) in (select * from unnest($1::text[], $2::text[]))',
    [split.map(([type]) => type), split.map(([, id]) => id)],
  );
  const states = new Map<string, number | undefined>(keys.map((k) => [k, undefined]));
  for (const row of rows) states.set(`${row.resource_type}/${row.id}`, new Date(row.at).getTime());
  return states;
}

/** A processed message's raw row as inserted in one go (received, processed and acknowledged). */
export type ProcessedRaw = NewRawMessage & { report: unknown; processedAt: string };

/** How a processed message's row is finished: a new row, or the one stored before processing. */
export type RawOutcome = { insert: ProcessedRaw } | { update: number; status: RawStatus; ackCode: string; ack: string; report: unknown; at: string };

/**
 * Records `eventTime` as the latest event of each `Type/id` (never moving backwards) and writes the message's
 * raw row, in one statement.
 */
export async function recordProcessed(sql: SqlClient, stateKeys: readonly string[], eventTime: string, raw: RawOutcome): Promise<void> {
  const split = stateKeys.map((k) => [k.slice(0, k.indexOf('/')), k.slice(k.indexOf('/') + 1)] as const);
  const states = `with s as (insert into hl7_resource_state (resource_type, id, last_event_at)
      select t, i, $3::timestamptz from unnest($1::text[], $2::text[]) as x(t, i)
      on conflict (resource_type, id) do update set last_event_at = greatest(hl7_resource_state.last_event_at, excluded.last_event_at))`;
  const head = [split.map(([type]) => type), split.map(([, id]) => id), eventTime];
  if ('update' in raw) {
    await sql.query(
      `${states} update hl7_message set status = $5, ack_code = $6, ack = $7, reason = null, report = $8::jsonb, processed_at = $9 where id = $4`,
      [...head, raw.update, raw.status, raw.ackCode, raw.ack, raw.report === undefined ? null : JSON.stringify(raw.report), raw.at],
    );
    return;
  }
  const m = raw.insert;
  await sql.query(
    `${states} insert into hl7_message (received_at, channel, source, sending_application, sending_facility, control_id, message_type, content_hash, raw, status, ack_code, ack, reason, report, processed_at)
     values ($4, $5, $6, $7, $8, $9, $10, $11, decode($12, 'base64'), $13, $14, $15, $16, $17::jsonb, $18)`,
    [
      ...head, m.receivedAt, m.channel, m.source ?? null, m.sendingApplication ?? null, m.sendingFacility ?? null, m.controlId ?? null, m.messageType ?? null,
      m.contentHash, m.raw.toString('base64'), m.status, m.ackCode ?? null, m.ack ?? null, m.reason ?? null, m.report === undefined ? null : JSON.stringify(m.report), m.processedAt,
    ],
  );
}
