/**
 * The raw-message store: every inbound HL7 v2 message is recorded with its envelope, a content hash and the
 * bytes as received, before or with everything derived from it; its status and the ACK it got follow.
 * A message that fails stays here (quarantine) with its reason, listable and replayable — never dropped.
 * RELIABILITY.md §7.3 invariants 1, 3, 4.
 */
import type { SqlClient } from '../store/db.ts';

export type RawStatus = 'received' | 'processed' | 'quarantined' | 'rejected';

export interface RawMessage {
  id: number;
  receivedAt: string;
  channel: string;
  source?: string;
  sendingApplication?: string;
  sendingFacility?: string;
  controlId?: string;
  messageType?: string;
  contentHash: string;
  raw: Buffer;
  status: RawStatus;
  ackCode?: string;
  ack?: string;
  reason?: string;
}

/** A message as first recorded, before the store gives it an id. */
export type NewRawMessage = Omit<RawMessage, 'id'>;

interface Row {
  id: number;
  received_at: Date;
  channel: string;
  source: string | null;
  sending_application: string | null;
  sending_facility: string | null;
  control_id: string | null;
  message_type: string | null;
  content_hash: string;
  raw: Uint8Array;
  status: RawStatus;
  ack_code: string | null;
  ack: string | null;
  reason: string | null;
}

export async function insertRaw(sql: SqlClient, message: NewRawMessage): Promise<number> {
  const rows = await sql.query<{ id: number }>(
    `insert into hl7_message (received_at, channel, source, sending_application, sending_facility, control_id, message_type, content_hash, raw, status, ack_code, ack, reason)
     values ($1, $2, $3, $4, $5, $6, $7, $8, decode($9, 'base64'), $10, $11, $12, $13) returning id`,
    [
      message.receivedAt, message.channel, message.source ?? null, message.sendingApplication ?? null, message.sendingFacility ?? null,
      message.controlId ?? null, message.messageType ?? null, message.contentHash, message.raw.toString('base64'), message.status,
      message.ackCode ?? null, message.ack ?? null, message.reason ?? null,
    ],
  );
  return (rows[0] as { id: number }).id;
}

/** The message already recorded under this idempotency key and content, if any. */
export async function findByKey(sql: SqlClient, facility: string, application: string, controlId: string, hash: string): Promise<RawMessage | undefined> {
  const rows = await sql.query<Row>(
    `select * from hl7_message where sending_facility = $1 and sending_application = $2 and control_id = $3 and content_hash = $4 order by id limit 1`,
    [facility, application, controlId, hash],
  );
  return rows[0] ? fromRow(rows[0]) : undefined;
}

/** Whether the control id was used before with other content (a sender whose counter reset). */
export async function controlIdReused(sql: SqlClient, facility: string, application: string, controlId: string, hash: string): Promise<boolean> {
  const rows = await sql.query(
    'select 1 from hl7_message where sending_facility = $1 and sending_application = $2 and control_id = $3 and content_hash <> $4 limit 1',
    [facility, application, controlId, hash],
  );
  return rows.length > 0;
}

export async function finishRaw(sql: SqlClient, id: number, outcome: { status: RawStatus; ackCode: string; ack: string; reason?: string; report?: unknown; at: string }): Promise<void> {
  await sql.query(
    'update hl7_message set status = $2, ack_code = $3, ack = $4, reason = $5, report = $6::jsonb, processed_at = $7 where id = $1',
    [id, outcome.status, outcome.ackCode, outcome.ack, outcome.reason ?? null, outcome.report === undefined ? null : JSON.stringify(outcome.report), outcome.at],
  );
}

export async function getRaw(sql: SqlClient, id: number): Promise<RawMessage | undefined> {
  const rows = await sql.query<Row>('select * from hl7_message where id = $1', [id]);
  return rows[0] ? fromRow(rows[0]) : undefined;
}

/** Messages by status, oldest first (quarantine listing, recovery of messages received but not processed). */
export async function listRaw(sql: SqlClient, status: RawStatus, limit: number, afterId = 0): Promise<RawMessage[]> {
  const rows = await sql.query<Row>('select * from hl7_message where status = $1 and id > $2 order by id limit $3', [status, afterId, limit]);
  return rows.map(fromRow);
}

function fromRow(row: Row): RawMessage {
  const message: RawMessage = {
    id: row.id,
    receivedAt: new Date(row.received_at).toISOString(),
    channel: row.channel,
    contentHash: row.content_hash,
    raw: Buffer.from(row.raw),
    status: row.status,
  };
  if (row.source !== null) message.source = row.source;
  if (row.sending_application !== null) message.sendingApplication = row.sending_application;
  if (row.sending_facility !== null) message.sendingFacility = row.sending_facility;
  if (row.control_id !== null) message.controlId = row.control_id;
  if (row.message_type !== null) message.messageType = row.message_type;
  if (row.ack_code !== null) message.ackCode = row.ack_code;
  if (row.ack !== null) message.ack = row.ack;
  if (row.reason !== null) message.reason = row.reason;
  return message;
}
