/**
 * What the pipeline records about a message besides its content: the idempotency hash, the envelope of its
 * raw row, and which acknowledgment closes it (original or enhanced mode).
 */
import { createHash } from 'node:crypto';
import { type MessageHeader, isAckRequested, readAckMode } from '../ingest/hl7v2/index.ts';
import type { Clock } from '../shared/clock.ts';

/** A message as it arrived. */
export interface InboundMessage {
  bytes: Buffer;
  channel: 'mllp' | 'http' | 'replay';
  /** Where it came from: the peer address or the client id. */
  source: string;
  clientId?: string;
}

/**
 * The idempotency hash: over the message with its segment terminators normalised (CR, LF or CRLF), a byte
 * order mark and trailing terminators removed, so the same message sent over MLLP or in an HTTP batch is
 * recognised as the same. The raw store keeps the bytes exactly as received.
 */
export function contentHash(bytes: Buffer): string {
  let text = bytes.toString('latin1');
  if (text.startsWith('\u00ef\u00bb\u00bf')) text = text.slice(3);
  const normalized = text.replace(/\r\n|\n/g, '\r').replace(/[\r\s]+$/, '');
  return createHash('sha256').update(normalized, 'latin1').digest('hex');
}

/**
 * The acknowledgment that closes a message: in original mode always; in enhanced mode the application ACK
 * only when MSH-16 asks for it for this outcome (AL, ER on error, SU on success). A message whose header
 * could not be read is always answered.
 */
export function finalAck(header: MessageHeader | undefined, outcome: 'AA' | 'AE' | 'AR', text: string): string | undefined {
  if (!header) return text;
  const mode = readAckMode(header);
  return mode.mode === 'original' || isAckRequested(mode.application, outcome === 'AA') ? text : undefined;
}

/** The raw row's envelope: when, how and from whom the message came, and its MSH identity. */
export function envelope(message: InboundMessage, header: MessageHeader | undefined, hash: string, clock: Clock) {
  return {
    receivedAt: clock.now().toISOString(),
    channel: message.channel,
    source: message.source,
    contentHash: hash,
    raw: message.bytes,
    ...(header
      ? { sendingApplication: header.sendingApplication, sendingFacility: header.sendingFacility, controlId: header.controlId, messageType: `${header.messageCode}^${header.triggerEvent}` }
      : {}),
  };
}
