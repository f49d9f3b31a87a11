/**
 * One segment of a message (HL7 v2.5.1 ch. 2 §2.5.2). Fields are split from the raw text on first
 * access only. Header segments (MSH, FHS, BHS) follow the standard's numbering quirk: field 1 is the
 * field separator itself and field 2 the encoding characters, so `MSH-3` is the first field after them.
 */
import { Hl7Field } from './elements.ts';
import type { DecodeContext } from './encoding.ts';
import { decodeEscapes } from './escape.ts';
import { formatPath, parsePath, pickPiece, type Hl7Path } from './path.ts';

const HEADER_IDS = new Set(['MSH', 'FHS', 'BHS']);

/** True for the segments whose first two fields are the delimiters (MSH, FHS, BHS). */
export function isHeaderSegmentId(id: string): boolean {
  return HEADER_IDS.has(id);
}

/** A segment: its ID (`PID`, `ZPI` …), raw text, and 1-based field access. */
export class Hl7Segment {
  readonly id: string;
  readonly #isHeader: boolean;
  /** End offset of each `|`-separated piece (the last is the segment length); built on first access. */
  #ends: number[] | undefined;

  /**
   * @param raw the segment text without its terminator
   * @param position 1-based position of the segment in its message
   */
  constructor(
    readonly raw: string,
    readonly position: number,
    private readonly ctx: DecodeContext,
  ) {
    const end = raw.indexOf(ctx.encoding.field);
    this.id = end === -1 ? raw : raw.slice(0, end);
    this.#isHeader = HEADER_IDS.has(this.id);
  }

  // Offsets instead of raw.split(): no substring is allocated for fields nobody reads (about 2x faster).
  #pieceEnds(): number[] {
    if (this.#ends === undefined) {
      const ends: number[] = [];
      const fs = this.ctx.encoding.field;
      for (let at = this.raw.indexOf(fs); at !== -1; at = this.raw.indexOf(fs, at + 1)) ends.push(at);
      ends.push(this.raw.length);
      this.#ends = ends;
    }
    return this.#ends;
  }

  /** Piece `k` (0-based) of the raw text split at the field separator, or '' past the end. */
  #piece(k: number): string {
    const ends = this.#pieceEnds();
    const end = ends[k];
    if (end === undefined) return '';
    return this.raw.slice(k === 0 ? 0 : (ends[k - 1] ?? 0) + 1, end);
  }

  /** Number of the last field present (trailing empty fields count if their separators were sent). */
  get fieldCount(): number {
    const n = this.#pieceEnds().length;
    return this.#isHeader ? n : n - 1;
  }

  /** Raw text of field `n` (1-based, escapes intact); '' when absent. */
  fieldRaw(n: number): string {
    if (n < 1 || !Number.isInteger(n)) return '';
    if (this.#isHeader) return n === 1 ? this.ctx.encoding.field : this.#piece(n - 1);
    return this.#piece(n);
  }

  /** Field `n` (1-based) as an element tree; an empty field when absent. */
  field(n: number): Hl7Field {
    const literal = this.#isHeader && (n === 1 || n === 2);
    return new Hl7Field(this.fieldRaw(n), this.ctx, `${this.id}-${n}`, literal);
  }

  /** Raw text at a parsed path (repetition 1 unless the path says otherwise). */
  rawAt(path: Hl7Path): string {
    const field = this.fieldRaw(path.field);
    const enc = this.ctx.encoding;
    if (this.#isHeader && path.field <= 2) {
      const whole = path.repetition === 1 && path.component <= 1 && path.subComponent <= 1;
      return whole ? field : '';
    }
    let value = field.indexOf(enc.repetition) === -1 && path.repetition === 1 ? field : pickPiece(field, enc.repetition, path.repetition);
    if (path.component > 0) value = pickPiece(value, enc.component, path.component);
    if (path.subComponent > 0) value = pickPiece(value, enc.subComponent, path.subComponent);
    return value;
  }

  /** Decoded value at a parsed path: '' when absent or `""`; delimiters in MSH-1/-2 returned as sent. */
  valueAt(path: Hl7Path, location?: string): string {
    const raw = this.rawAt(path);
    if (raw === '""') return '';
    if (raw.indexOf(this.ctx.encoding.escape) === -1 || (this.#isHeader && path.field <= 2)) return raw;
    return decodeEscapes(raw, this.ctx, location ?? formatPath(this.id, path.field, path.component));
  }

  /**
   * Decoded value at a segment-relative path such as `5.1` or `3[2].4.1` (see path.ts);
   * '' when absent or `""`. Never throws for message content.
   */
  get(path: string): string {
    return this.valueAt(parsePath(path));
  }

  /** Raw text at a segment-relative path, escapes intact and `""` kept. */
  getRaw(path: string): string {
    return this.rawAt(parsePath(path));
  }

  toString(): string {
    return this.raw;
  }
}
