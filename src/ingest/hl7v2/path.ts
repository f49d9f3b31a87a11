/**
 * Element paths in the notation of the HL7 v2 standard (ch. 2 §2.5.3, "PID-3" names field 3 of PID),
 * extended with occurrence and repetition indexes. All indexes are 1-based:
 *
 *   `PID-5.1`         PID, field 5, first repetition, component 1
 *   `PID-3[2].4.1`    PID, field 3, repetition 2, component 4, sub-component 1
 *   `DG1[3]-3.1`      third DG1 segment, field 3, component 1
 *   `PV1-44`          whole first repetition of PV1-44
 *   `5.1`, `3[2].4`   the same, relative to one segment (`segment.get(...)`)
 *
 * `.` may replace `-` after the segment ID (`PID.5.1`).
 */
import { GatewayError } from '../../shared/errors.ts';

/** A parsed path; `component`/`subComponent` are 0 when the path stops above that level. */
export interface Hl7Path {
  readonly segment: string;
  readonly occurrence: number;
  readonly field: number;
  readonly repetition: number;
  readonly component: number;
  readonly subComponent: number;
}

const CACHE_LIMIT = 4096;
const cache = new Map<string, Hl7Path>();

function badPath(): GatewayError {
  // A path comes from our code or mapping files, never from the sender: it is our fault, not the message's.
  return new GatewayError('ING-HL7-PATH', 'fault', 'Invalid HL7 v2 element path');
}

class Cursor {
  pos = 0;
  constructor(readonly text: string) {}

  readNumber(): number {
    const begin = this.pos;
    let value = 0;
    while (this.pos < this.text.length) {
      const c = this.text.charCodeAt(this.pos);
      if (c < 0x30 || c > 0x39) break;
      value = value * 10 + (c - 0x30);
      this.pos += 1;
    }
    if (this.pos === begin || value < 1 || this.pos - begin > 6) throw badPath();
    return value;
  }

  /** Reads `[n]` if present, else 1. */
  readIndex(): number {
    if (this.text.charAt(this.pos) !== '[') return 1;
    this.pos += 1;
    const n = this.readNumber();
    if (this.text.charAt(this.pos) !== ']') throw badPath();
    this.pos += 1;
    return n;
  }

  /** Reads `.n` if present, else 0. */
  readDotted(): number {
    if (this.text.charAt(this.pos) !== '.') return 0;
    this.pos += 1;
    return this.readNumber();
  }
}

function readFieldPart(cursor: Cursor, segment: string, occurrence: number): Hl7Path {
  const field = cursor.readNumber();
  const repetition = cursor.readIndex();
  const component = cursor.readDotted();
  const subComponent = component === 0 ? 0 : cursor.readDotted();
  if (cursor.pos !== cursor.text.length) throw badPath();
  return { segment, occurrence, field, repetition, component, subComponent };
}

function parseUncached(path: string): Hl7Path {
  const first = path.charCodeAt(0);
  if (first >= 0x30 && first <= 0x39) return readFieldPart(new Cursor(path), '', 1);
  const cursor = new Cursor(path);
  const segment = path.slice(0, 3);
  if (!/^[A-Z][A-Z0-9]{2}$/.test(segment)) throw badPath();
  cursor.pos = 3;
  const occurrence = cursor.readIndex();
  const sep = path.charAt(cursor.pos);
  if (sep !== '-' && sep !== '.') throw badPath();
  cursor.pos += 1;
  return readFieldPart(cursor, segment, occurrence);
}

/**
 * Parses an element path (see the module comment); results are cached.
 * A segment-relative path (`3[2].4`) has `segment: ''`.
 * @throws GatewayError `ING-HL7-PATH` (category `fault`) for malformed paths
 */
export function parsePath(path: string): Hl7Path {
  let parsed = cache.get(path);
  if (parsed === undefined) {
    parsed = parseUncached(path);
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(path, parsed);
  }
  return parsed;
}

/**
 * The `n`-th (1-based) piece of `text` split at `separator`, or '' when there are fewer pieces.
 * Allocates only the returned substring.
 */
export function pickPiece(text: string, separator: string, n: number): string {
  let start = 0;
  for (let k = 1; k < n; k += 1) {
    const at = text.indexOf(separator, start);
    if (at === -1) return '';
    start = at + separator.length;
  }
  const end = text.indexOf(separator, start);
  if (start === 0) return end === -1 ? text : text.slice(0, end);
  return end === -1 ? text.slice(start) : text.slice(start, end);
}

/** Formats a path for warnings and ERR segments, e.g. `PID-3.1`. */
export function formatPath(segment: string, field: number, component = 0): string {
  return component > 0 ? `${segment}-${field}.${component}` : `${segment}-${field}`;
}
