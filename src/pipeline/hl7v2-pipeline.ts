/**
 * The HL7 v2 ingest pipeline: bytes in, an ACK out. Parse → map → match → merge → store, with the rules
 * hospitals rely on (RELIABILITY.md §4, §7.3): the ACK is built only after the raw message and everything
 * derived from it are committed; a resend (same sender, control id and content) gets the same ACK and changes
 * nothing; a message that cannot be mapped is kept in quarantine with its reason and answered AE (content)
 * or AR (envelope, or a failure of ours); nothing acknowledged is ever lost.
 *
 * Messages are committed in groups (group-commit.ts): each is processed in its own savepoint unit of a
 * transaction shared with the messages that arrived meanwhile, and learns its ACK after that commit.
 */
import type { Hl7v2Mapper, MappedMessage } from '../mapping/index.ts';
import type { PatientMatcher } from '../matching/patient-matcher.ts';
import { type AckCode, type AckError, type MessageHeader, buildAck, checkHeader, decideAck, parseMessage, readAckMode, readHeader } from '../ingest/hl7v2/index.ts';
import { findByKey, finishRaw, insertRaw, type RawMessage } from '../ingest/raw-store.ts';
import type { Clock } from '../shared/clock.ts';
import { GatewayError, toGatewayError } from '../shared/errors.ts';
import type { Logger } from '../shared/logger.ts';
import type { FhirStore } from '../store/fhir-store.ts';
import { ackCodeOf, ackErrorsOf } from './ack-errors.ts';
import { applyMappedMessage, keyOf } from './apply-message.ts';
import { createGroupCommit } from './group-commit.ts';
import { claimMessage, lockKeys, recordProcessed, type StoredCopy } from './ingest-sql.ts';
import type { IngestMetrics } from './ingest-metrics.ts';
import { identifierKey } from './merge.ts';
import { contentHash, envelope, finalAck, type InboundMessage } from './message-envelope.ts';

export { contentHash, type InboundMessage } from './message-envelope.ts';

export interface IngestResult {
  /** The ACK to send; undefined in enhanced mode when the sender asked for none. */
  ack?: string;
  outcome: 'AA' | 'AE' | 'AR';
  duplicate: boolean;
}

export interface PipelineDeps {
  store: FhirStore;
  mapper: Hl7v2Mapper;
  matcher: PatientMatcher;
  clock: Clock;
  logger: Logger;
  metrics: IngestMetrics;
  /** Most messages committed together (default 64). */
  maxBatch?: number;
  /** Group-commit lanes: transactions that may run at once, messages of one patient always in the same (default 1). */
  lanes?: number;
}

export interface Hl7v2Pipeline {
  /** `onAccept` receives the enhanced-mode accept ACK (CA) as soon as the raw message is safely stored. */
  ingest(message: InboundMessage, onAccept?: (ack: string) => Promise<void>): Promise<IngestResult>;
  /** Processes a stored message again (quarantine replay, recovery of messages received but not processed). */
  reprocess(raw: RawMessage): Promise<IngestResult>;
}

/** What a message's unit of work ended with (known to the sender only after the commit). */
type UnitOutcome =
  | { kind: 'processed'; ack: string; mapped: MappedMessage }
  | { kind: 'duplicate'; stored: StoredCopy }
  | { kind: 'refused'; code: AckCode; ack: string; failure: GatewayError }
  | { kind: 'retry'; failure: GatewayError };

/** What a message is about, as lock keys: each patient identifier, then the visit (the lane key is the first). */
function subjectKeys(mapped: MappedMessage | undefined): string[] {
  const keys = (mapped?.event.patient ?? []).map((identifier) => `patient:${identifierKey(identifier)}`);
  if (mapped?.event.visit) keys.push(`visit:${mapped.event.visit.system}|${mapped.event.visit.value}`);
  return keys;
}

export function createHl7v2Pipeline(deps: PipelineDeps): Hl7v2Pipeline {
  const group = createGroupCommit(deps.store, { maxBatch: deps.maxBatch ?? 64, lanes: deps.lanes ?? 1 });
  const ack = (header: MessageHeader | undefined, code: AckCode, errors: AckError[] = []) => buildAck({ original: header, code, now: deps.clock.now(), errors });
  const temporary = (header: MessageHeader | undefined) => ack(header, 'AR', [{ code: 207, diagnostic: 'Temporary failure at the receiver; resend later' }]);

  /** Stores a refused message (quarantined with AE, or rejected with AR) through `store`; returns its ACK. */
  async function storeRefusal(store: FhirStore, message: InboundMessage, header: MessageHeader | undefined, hash: string, error: GatewayError, rawId?: number): Promise<{ code: AckCode; ack: string }> {
    const code = header ? ackCodeOf(error) : 'AR';
    const text = ack(header, code, ackErrorsOf(error));
    const outcome = { status: header && code === 'AE' ? ('quarantined' as const) : ('rejected' as const), ackCode: code, ack: text, reason: `${error.code}: ${error.message}`, at: deps.clock.now().toISOString() };
    if (rawId !== undefined) await finishRaw(store.sql, rawId, outcome);
    else await insertRaw(store.sql, { ...envelope(message, header, hash, deps.clock), status: outcome.status, ackCode: code, ack: text, reason: outcome.reason });
    return { code, ack: text };
  }

  function refused(message: InboundMessage, header: MessageHeader | undefined, code: AckCode, text: string, error: GatewayError): IngestResult {
    deps.metrics.messages.inc({ channel: message.channel, outcome: code });
    deps.logger.warn({ channel: message.channel, source: message.source, code: error.code, ack: code }, 'hl7 message refused');
    return { ack: finalAck(header, code as 'AE' | 'AR', text), outcome: code as 'AE' | 'AR', duplicate: false };
  }

  /** One message's work inside the shared transaction: its own savepoint unit, then quarantine if it failed. */
  async function unit(tx: FhirStore, message: InboundMessage, header: MessageHeader, hash: string, rawId: number | undefined, mapping: { mapped?: MappedMessage; failure?: unknown }): Promise<UnitOutcome> {
    try {
      return await processUnit(tx, message, header, hash, rawId, mapping);
    } catch (first) {
      // A concurrent lane created the same shared resource or deadlocked with us: its work has committed or
      // rolled back by now (we waited for its locks), so the unit runs once more before the sender is told to resend.
      if (toGatewayError(first).category !== 'conflict') return refuseUnit(tx, message, header, hash, rawId, first);
      deps.metrics.conflictRetries.inc();
      try {
        return await processUnit(tx, message, header, hash, rawId, mapping);
      } catch (error) {
        return refuseUnit(tx, message, header, hash, rawId, error);
      }
    }
  }

  /** Our failure (retry later) or the message's (quarantined or rejected, with its ACK stored). */
  async function refuseUnit(tx: FhirStore, message: InboundMessage, header: MessageHeader, hash: string, rawId: number | undefined, error: unknown): Promise<UnitOutcome> {
    const failure = toGatewayError(error);
    // Our failure, not the message's: nothing is acknowledged as accepted; the sender resends later.
    if (failure.category === 'unavailable' || failure.category === 'conflict') return { kind: 'retry', failure };
    const stored = await tx.savepoint((store) => storeRefusal(store, message, header, hash, failure, rawId));
    return { kind: 'refused', code: stored.code, ack: stored.ack, failure };
  }

  /** The message's work in a savepoint: locks, duplicate check, the mapped resources merged and written, its state recorded. */
  async function processUnit(tx: FhirStore, message: InboundMessage, header: MessageHeader, hash: string, rawId: number | undefined, mapping: { mapped?: MappedMessage; failure?: unknown }): Promise<UnitOutcome> {
    const { mapped } = mapping;
    return tx.savepoint(async (store) => {
      await lockKeys(store.sql, [`hl7:${header.sendingFacility}|${header.sendingApplication}|${header.controlId}|${hash}`, ...subjectKeys(mapped)]);
      const stateKeys = (mapped?.resources ?? []).map(({ resource }) => keyOf(resource));
      const claim = await claimMessage(store.sql, [header.sendingFacility, header.sendingApplication, header.controlId, hash], stateKeys);
      if (rawId === undefined && claim.reused) {
        deps.logger.warn({ facility: header.sendingFacility, application: header.sendingApplication }, 'control id reused with different content; processed as a new message');
        deps.metrics.controlIdReuse.inc();
      }
      const existing = rawId === undefined ? claim.existing : undefined;
      if (existing && existing.status !== 'received') return { kind: 'duplicate', stored: existing };
      if (mapped === undefined) throw mapping.failure;
      const source = mapped.resources.find((r) => r.resource.resourceType === 'Organization')?.resource.id;
      const actorStore = store.as({
        channel: 'hl7v2',
        activity: `${mapped.event.messageType}^${mapped.event.trigger}`,
        requestId: `hl7:${header.controlId}`,
        sourceKind: 'hospital',
        sourceEntity: { reference: `Binary/hl7-${hash.slice(0, 40)}` },
        ...(source ? { organizationId: source } : {}),
        ...(message.clientId ? { clientId: message.clientId } : {}),
      });
      const eventTime = mapped.event.eventTime ?? mapped.event.messageTime ?? deps.clock.now().toISOString();
      const applied = await applyMappedMessage(mapped, { store: actorStore, matcher: deps.matcher, raw: message.bytes, contentHash: hash, eventTime, states: claim.states });
      const text = ack(header, 'AA');
      const at = deps.clock.now().toISOString();
      const rowId = rawId ?? existing?.id;
      await recordProcessed(store.sql, applied.applied, eventTime, rowId !== undefined
        ? { update: rowId, status: 'processed', ackCode: 'AA', ack: text, report: mapped.report, at }
        : { insert: { ...envelope(message, header, hash, deps.clock), status: 'processed', ackCode: 'AA', ack: text, report: mapped.report, processedAt: at } });
      return { kind: 'processed', ack: text, mapped };
    });
  }

  async function process(message: InboundMessage, header: MessageHeader, hash: string, rawId: number | undefined, onAccept?: (ack: string) => Promise<void>): Promise<IngestResult> {
    const mode = readAckMode(header);
    let id = rawId;
    if (mode.mode === 'enhanced' && id === undefined) {
      // Enhanced mode: commit the raw message alone first, then accept it (CA) before processing.
      const stored = await deps.store.transaction(async (tx) => {
        await tx.lock(`hl7:${header.sendingFacility}|${header.sendingApplication}|${header.controlId}|${hash}`);
        const existing = await findByKey(tx.sql, header.sendingFacility, header.sendingApplication, header.controlId, hash);
        return existing ?? { id: await insertRaw(tx.sql, { ...envelope(message, header, hash, deps.clock), status: 'received' }), status: 'received' as const };
      });
      if (stored.status !== 'received') return duplicateOf(message, header, stored as RawMessage);
      id = stored.id;
      const accept = decideAck(header, 'AA');
      if (accept && onAccept) await onAccept(ack(header, accept));
    }
    // Mapping needs no database: it runs before the transaction; a failure is handled after the duplicate check.
    const mapping: { mapped?: MappedMessage; failure?: unknown } = {};
    try {
      mapping.mapped = deps.mapper.map(parseMessage(message.bytes), { receivedAt: deps.clock.now().toISOString() });
    } catch (error) {
      mapping.failure = error;
    }
    let outcome: UnitOutcome;
    try {
      outcome = await group.run((tx) => unit(tx, message, header, hash, id, mapping), laneKey(header, mapping.mapped));
    } catch (error) {
      const failure = toGatewayError(error);
      if (failure.category !== 'unavailable' && failure.category !== 'conflict') throw error;
      outcome = { kind: 'retry', failure };
    }
    switch (outcome.kind) {
      case 'duplicate':
        return duplicateOf(message, header, outcome.stored);
      case 'refused':
        return refused(message, header, outcome.code, outcome.ack, outcome.failure);
      case 'retry':
        deps.logger.error({ err: outcome.failure.cause ?? outcome.failure, code: outcome.failure.code }, 'hl7 message could not be stored');
        deps.metrics.messages.inc({ channel: message.channel, outcome: 'AR' });
        return { ack: temporary(header), outcome: 'AR', duplicate: false };
      case 'processed':
        for (const segment of outcome.mapped.report.unmappedSegments) deps.metrics.unmappedSegments.inc({ segment: segment.slice(0, 8) });
        deps.metrics.messages.inc({ channel: message.channel, outcome: 'AA' });
        return { ack: finalAck(header, 'AA', outcome.ack), outcome: 'AA', duplicate: false };
    }
  }

  /** Messages about one patient (else one visit, else one sender) share a lane, so they keep their arrival order. */
  function laneKey(header: MessageHeader, mapped: MappedMessage | undefined): string {
    return subjectKeys(mapped)[0] ?? `sender:${header.sendingFacility}|${header.sendingApplication}`;
  }

  /** A resend: the same ACK as the first time, and nothing changed. */
  function duplicateOf(message: InboundMessage, header: MessageHeader, stored: Pick<RawMessage, 'ack' | 'ackCode'>): IngestResult {
    deps.metrics.duplicates.inc({ channel: message.channel });
    const outcome = (['AA', 'AE', 'AR'].includes(stored.ackCode ?? '') ? stored.ackCode : 'AA') as IngestResult['outcome'];
    return { ack: stored.ack ?? ack(header, outcome), outcome, duplicate: true };
  }

  /** Refuses a message outside the group (no readable header): its own transaction. */
  async function refuseAlone(message: InboundMessage, hash: string, error: GatewayError, rawId?: number): Promise<IngestResult> {
    const stored = await deps.store.transaction((tx) => storeRefusal(tx, message, undefined, hash, error, rawId));
    return refused(message, undefined, stored.code, stored.ack, error);
  }

  const noHeader = () => new GatewayError('ING-HL7-NO-HEADER', 'invalid', 'The message has no readable MSH segment');
  return {
    async ingest(message, onAccept) {
      const hash = contentHash(message.bytes);
      const header = readHeader(message.bytes);
      if (!header) return refuseAlone(message, hash, noHeader());
      const envelopeErrors = checkHeader(header);
      if (envelopeErrors.length > 0) {
        const text = ack(header, 'AR', envelopeErrors);
        await deps.store.transaction(async (tx) => insertRaw(tx.sql, { ...envelope(message, header, hash, deps.clock), status: 'rejected', ackCode: 'AR', ack: text, reason: 'envelope' }));
        deps.metrics.messages.inc({ channel: message.channel, outcome: 'AR' });
        return { ack: text, outcome: 'AR', duplicate: false };
      }
      return process(message, header, hash, undefined, onAccept);
    },
    async reprocess(raw) {
      const header = readHeader(raw.raw);
      const message: InboundMessage = { bytes: raw.raw, channel: 'replay', source: raw.source ?? 'replay' };
      if (!header) return refuseAlone(message, raw.contentHash, noHeader(), raw.id);
      return process(message, header, raw.contentHash, raw.id);
    },
  };
}
