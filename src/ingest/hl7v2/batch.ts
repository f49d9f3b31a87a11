/**
 * Batch and file splitting (HL7 v2.5.1 ch. 2 §2.10.3 "HL7 batch protocol": FHS { BHS { MSH … } BTS } FTS),
 * also used for plain files holding several messages one after another. Each message is returned as a
 * slice of the input (bytes stay bytes, so `parseMessage` can decode each by its own MSH-18).
 * Structural oddities (counts that do not match, segments outside any message) are warnings; only an
 * input with no message at all is an error.
 */
import { GatewayError } from '../../shared/errors.ts';
import { addWarning, readEncoding, type Hl7Warning } from './encoding.ts';
import { pickPiece } from './path.ts';
import { findMessageStart, splitSegmentSpans } from './segment-split.ts';

/** The messages of a batch or file, its FHS/BHS segments, and what was odd about its structure. */
export interface BatchSplit<T extends string | Buffer> {
  readonly messages: T[];
  /** FHS and BHS segments as sent (for byte input, read as ISO-8859-1). */
  readonly headers: string[];
  readonly warnings: Hl7Warning[];
}

const BOUNDARY_IDS = new Set(['FHS', 'BHS', 'BTS', 'FTS', 'MSH']);

function startOf(view: string): number {
  // A UTF-8 BOM read as ISO-8859-1 is three characters.
  return findMessageStart(view, view.startsWith('\u00ef\u00bb\u00bf') ? 3 : 0);
}

interface Tally {
  messagesInBatch: number;
  batches: number;
  batchOpen: boolean;
  orphans: number;
}

function checkCount(warnings: Hl7Warning[], trailer: string, fs: string, actual: number, what: string): void {
  const declared = pickPiece(trailer, fs, 2).trim();
  if (declared === '') return;
  // Only a number is echoed in the warning: anything else in the field could be patient data.
  const message = /^\d{1,9}$/.test(declared)
    ? `${trailer.slice(0, 3)}-1 declares ${declared} ${what} but ${actual} were found`
    : `${trailer.slice(0, 3)}-1 is not a count`;
  if (Number(declared) !== actual) addWarning(warnings, { code: 'HL7-BATCH-COUNT', message });
}

/**
 * Splits an FHS/BHS batch file, or a file of consecutive MSH messages, into its messages.
 * @throws GatewayError category `invalid`: `ING-HL7-EMPTY`, `ING-HL7-NO-MSH` (input does not start
 *   with FHS, BHS or MSH), `ING-HL7-ENCODING-CHARACTERS`, `ING-HL7-BATCH-NO-MSH` (no message inside)
 */
export function splitBatch(input: string): BatchSplit<string>;
export function splitBatch(input: Buffer): BatchSplit<Buffer>;
export function splitBatch(input: string | Buffer): BatchSplit<string | Buffer>;
export function splitBatch(input: string | Buffer): BatchSplit<string | Buffer> {
  const view = typeof input === 'string' ? input : input.toString('latin1');
  const start = startOf(view);
  if (start >= view.length) throw new GatewayError('ING-HL7-EMPTY', 'invalid', 'The batch is empty');
  if (!['MSH', 'FHS', 'BHS'].includes(view.slice(start, start + 3))) {
    throw new GatewayError('ING-HL7-NO-MSH', 'invalid', 'The input does not start with an FHS, BHS or MSH segment');
  }
  const warnings: Hl7Warning[] = [];
  const fs = readEncoding(view, start, warnings).field;
  const ranges: Array<[number, number]> = [];
  const headers: string[] = [];
  const tally: Tally = { messagesInBatch: 0, batches: 0, batchOpen: false, orphans: 0 };
  let current = -1;
  let currentEnd = -1;
  const close = (): void => {
    if (current !== -1) ranges.push([current, currentEnd]);
    current = -1;
  };
  for (const span of splitSegmentSpans(view, start, fs)) {
    const id = view.slice(span.start, span.start + 3);
    const after = view.charAt(span.start + 3);
    const isBoundary = BOUNDARY_IDS.has(id) && (after === fs || span.end === span.start + 3);
    if (!isBoundary) {
      if (current === -1) tally.orphans += 1;
      else currentEnd = span.end;
      continue;
    }
    close();
    const segment = view.slice(span.start, span.end);
    if (id === 'MSH') {
      current = span.start;
      currentEnd = span.end;
      tally.messagesInBatch += 1;
    } else if (id === 'BHS') {
      if (tally.batchOpen) addWarning(warnings, { code: 'HL7-BATCH-STRUCTURE', message: 'BHS found before the previous batch was closed by BTS' });
      headers.push(segment);
      tally.batchOpen = true;
      tally.batches += 1;
      tally.messagesInBatch = 0;
    } else if (id === 'BTS') {
      checkCount(warnings, segment, fs, tally.messagesInBatch, 'messages');
      tally.batchOpen = false;
    } else if (id === 'FHS') {
      if (headers.length > 0 || ranges.length > 0) addWarning(warnings, { code: 'HL7-BATCH-STRUCTURE', message: 'FHS found after the start of the file' });
      headers.push(segment);
    } else {
      checkCount(warnings, segment, fs, tally.batches, 'batches');
    }
  }
  close();
  if (tally.orphans > 0) addWarning(warnings, { code: 'HL7-BATCH-ORPHAN', message: `${tally.orphans} segment(s) outside any message were ignored` });
  if (ranges.length === 0) throw new GatewayError('ING-HL7-BATCH-NO-MSH', 'invalid', 'The batch holds no message (no MSH segment)');
  const messages = ranges.map(([from, to]) => (typeof input === 'string' ? input.slice(from, to) : input.subarray(from, to)));
  return { messages, headers, warnings };
}
