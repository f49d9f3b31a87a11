/**
 * Segment boundaries (HL7 v2.5.1 ch. 2 §2.5.2: a segment ends with CR). Real senders also use LF or
 * CRLF, sometimes mixed in one message, so both end a segment. A bare LF that is *not* followed by
 * something that looks like a segment (`ABC|`, a blank line, or the end) is kept as data: it is a line
 * break inside a text field (OBX-5) or a line wrapped by a mail or file tool, and splitting there would
 * invent segments. Every scan here is linear in the input size.
 */

const CR = 13;
const LF = 10;

function isUpper(code: number): boolean {
  return code >= 0x41 && code <= 0x5a;
}

function isUpperOrDigit(code: number): boolean {
  return isUpper(code) || (code >= 0x30 && code <= 0x39);
}

function isBlank(code: number): boolean {
  return code === 0x20 || code === 0x09;
}

/** Index of the first character after a BOM (U+FEFF) and any leading whitespace or blank lines. */
export function findMessageStart(text: string, from = 0): number {
  let i = text.charCodeAt(from) === 0xfeff ? from + 1 : from;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c !== CR && c !== LF && !isBlank(c)) break;
    i += 1;
  }
  return i;
}

/** True when `pos` starts a segment ID (`[A-Z][A-Z0-9]{2}`) followed by `fs`, a line end, or the end. */
export function isSegmentStartAt(text: string, pos: number, fs: string): boolean {
  if (pos + 3 > text.length) return false;
  if (!isUpper(text.charCodeAt(pos)) || !isUpperOrDigit(text.charCodeAt(pos + 1)) || !isUpperOrDigit(text.charCodeAt(pos + 2))) {
    return false;
  }
  if (pos + 3 === text.length) return true;
  const next = text.charAt(pos + 3);
  return next === fs || next === '\r' || next === '\n';
}

/** Whether the LF at `lf` ends a segment (see the module comment). */
function isLineFeedTerminator(text: string, lf: number, fs: string): boolean {
  if (lf > 0 && text.charCodeAt(lf - 1) === CR) return true;
  let i = lf + 1;
  while (i < text.length && isBlank(text.charCodeAt(i))) i += 1;
  if (i >= text.length) return true;
  const c = text.charCodeAt(i);
  return c === CR || c === LF || isSegmentStartAt(text, i, fs);
}

/** Index of the CR or LF that ends the segment starting at `from`, or the text length. */
export function findSegmentEnd(text: string, from: number, fs: string): number {
  let cr = text.indexOf('\r', from);
  if (cr === -1) cr = text.length;
  let lf = text.indexOf('\n', from);
  while (lf !== -1 && lf < cr) {
    if (isLineFeedTerminator(text, lf, fs)) return lf;
    lf = text.indexOf('\n', lf + 1);
  }
  return cr;
}

/** A segment's text and where it starts and ends in the message text. */
export interface SegmentSpan {
  readonly start: number;
  readonly end: number;
}

/**
 * Splits text into non-blank segment spans from `start`, trimming leading spaces/tabs of each segment.
 * @param onEmbeddedLineFeed called once per LF kept as data (for a warning)
 */
export function splitSegmentSpans(text: string, start: number, fs: string, onEmbeddedLineFeed?: () => void): SegmentSpan[] {
  const spans: SegmentSpan[] = [];
  const len = text.length;
  let nextCr = -1;
  let nextLf = -1;
  let pos = start;
  while (pos < len) {
    if (nextCr < pos) nextCr = text.indexOf('\r', pos) >>> 0;
    if (nextLf < pos) nextLf = text.indexOf('\n', pos) >>> 0;
    // `>>> 0` turns -1 into 2^32-1, larger than any index, so "not found" sorts last.
    while (nextLf < nextCr && nextLf < len && !isLineFeedTerminator(text, nextLf, fs)) {
      onEmbeddedLineFeed?.();
      nextLf = text.indexOf('\n', nextLf + 1) >>> 0;
    }
    const end = Math.min(nextCr, nextLf, len);
    let first = pos;
    while (first < end && isBlank(text.charCodeAt(first))) first += 1;
    if (first < end) spans.push({ start: first, end });
    pos = end + 1;
  }
  return spans;
}

/** Splits text into non-blank segment strings (see {@link splitSegmentSpans}). */
export function splitSegments(text: string, start: number, fs: string, onEmbeddedLineFeed?: () => void): string[] {
  if (text.indexOf('\n', start) === -1) {
    // Fast path for the standard CR-only layout: one native split.
    const parts = (start === 0 ? text : text.slice(start)).split('\r');
    while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
    let clean = true;
    for (const part of parts) if (part === '' || isBlank(part.charCodeAt(0))) clean = false;
    if (clean) return parts;
  }
  return splitSegmentSpans(text, start, fs, onEmbeddedLineFeed).map((span) => text.slice(span.start, span.end));
}
