/**
 * ER7 ("pipe and hat") parsing of one HL7 v2 message (HL7 v2.5.1 ch. 2 §2.5–§2.7; v2.3 to v2.8).
 * The parser splits segments eagerly and everything below lazily; it never hangs, and the only thing it
 * throws is a `GatewayError` (category `invalid`, safe message) for an envelope it cannot read.
 * Versions are not checked here: see `checkHeader` in ack-policy.ts, which maps them to an AR.
 */
import { GatewayError } from '../../shared/errors.ts';
import { decodeMessageBytes } from './charset.ts';
import { addWarning, readEncoding, type DecodeContext, type Hl7Warning } from './encoding.ts';
import { Hl7Message } from './message.ts';
import { findMessageStart, isSegmentStartAt, splitSegments } from './segment-split.ts';

/** Options of {@link parseMessage}. */
export interface ParseOptions {
  /** Charset for byte input whose MSH-18 is empty (a per-feed setting); default UTF-8. */
  readonly defaultCharset?: string;
}

function invalid(code: string, message: string): GatewayError {
  return new GatewayError(code, 'invalid', message);
}

function isValidSegmentId(id: string): boolean {
  if (id.length !== 3) return false;
  for (let i = 0; i < 3; i += 1) {
    const c = id.charCodeAt(i);
    const upper = c >= 0x41 && c <= 0x5a;
    if (!upper && !(i > 0 && c >= 0x30 && c <= 0x39)) return false;
  }
  return true;
}

/**
 * Some senders join segments with spaces instead of CR (`…|2.3||| EVN|A01|…`). Guessing where segments
 * start would corrupt data that happens to look alike, so the message is left as sent and flagged.
 */
function checkSpaceSeparatedSegments(msh: string, fs: string, warnings: Hl7Warning[]): void {
  for (let i = msh.indexOf(' '); i !== -1; i = msh.indexOf(' ', i + 1)) {
    if (isSegmentStartAt(msh, i + 1, fs) && msh.charAt(i + 4) === fs) {
      addWarning(warnings, { code: 'HL7-SPACE-SEPARATED-SEGMENTS', message: 'MSH holds what looks like a segment after a space; segments may be separated by spaces', location: 'MSH' });
      return;
    }
  }
}

function checkSegments(message: Hl7Message, warnings: Hl7Warning[]): void {
  const msh = message.segments()[0];
  if (msh !== undefined) checkSpaceSeparatedSegments(msh.raw, message.encoding.field, warnings);
  for (const segment of message.segments()) {
    if (segment.position === 1) continue;
    if (!isValidSegmentId(segment.id)) {
      addWarning(warnings, { code: 'HL7-SEGMENT-ID', message: `Segment ${segment.position} does not start with a valid segment ID` });
    } else if (segment.id === 'MSH') {
      addWarning(warnings, { code: 'HL7-EMBEDDED-MSH', message: `Segment ${segment.position} starts another message; use splitBatch` });
    }
  }
}

/**
 * Parses one ER7 message. A string is taken as already decoded; bytes are decoded by BOM, then MSH-18,
 * then `defaultCharset`, and kept unchanged in `message.bytes`. Tolerated: a UTF-8 BOM, leading blank
 * lines, CR / LF / CRLF terminators (mixed too), trailing empty segments, bad segment IDs (warned).
 * @throws GatewayError category `invalid`: `ING-HL7-EMPTY`, `ING-HL7-NO-MSH`, `ING-HL7-BATCH`,
 *   `ING-HL7-MSH-TOO-SHORT`, `ING-HL7-ENCODING-CHARACTERS`
 */
export function parseMessage(input: string | Uint8Array, options: ParseOptions = {}): Hl7Message {
  let text: string;
  let ctxBase: Omit<DecodeContext, 'encoding'>;
  let charset = 'utf-8';
  let bytes: Buffer | undefined;
  if (typeof input === 'string') {
    text = input;
    ctxBase = { hexCharset: 'utf-8', warnings: [] };
  } else {
    const decoded = decodeMessageBytes(input, options.defaultCharset);
    text = decoded.text;
    charset = decoded.charset;
    ctxBase = { hexCharset: decoded.hexCharset, warnings: decoded.warnings };
    bytes = Buffer.isBuffer(input) ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  }
  const start = findMessageStart(text);
  if (start >= text.length) throw invalid('ING-HL7-EMPTY', 'The message is empty');
  if (!text.startsWith('MSH', start)) {
    const id = text.slice(start, start + 3);
    if (id === 'FHS' || id === 'BHS') throw invalid('ING-HL7-BATCH', 'The input is a batch; split it with splitBatch first');
    throw invalid('ING-HL7-NO-MSH', 'The message does not start with an MSH segment');
  }
  const encoding = readEncoding(text, start, ctxBase.warnings);
  const ctx: DecodeContext = { ...ctxBase, encoding };
  let embeddedLineFeeds = 0;
  const segments = splitSegments(text, start, encoding.field, () => {
    embeddedLineFeeds += 1;
  });
  if (embeddedLineFeeds > 0) {
    addWarning(ctx.warnings, { code: 'HL7-EMBEDDED-LF', message: `${embeddedLineFeeds} line feed(s) not followed by a segment were kept as data` });
  }
  const message = new Hl7Message({ text, segments, ctx, charset, bytes });
  checkSegments(message, ctx.warnings);
  return message;
}
