/**
 * A parsed HL7 v2 message (HL7 v2.5.1 ch. 2 §2.5 "Message construction rules"): its segments in order,
 * its own delimiters, the original bytes, and 1-based accessors named like the standard.
 *
 *   message.get('PID-5.1')           decoded value ('' when absent or `""`)
 *   message.getRaw('PID-3[2].4.1')   raw text, escapes intact
 *   message.isNull('PID-8')          true when the sender sent `""` (clear the stored value)
 *   message.segments('OBX')          every OBX, in order
 *   message.segment('PID')?.field(3).repetitions
 *
 * Paths are described in path.ts. Build messages with `parseMessage`, not the constructor.
 */
import { GatewayError } from '../../shared/errors.ts';
import type { DecodeContext, Hl7Encoding, Hl7Warning } from './encoding.ts';
import { buildHeader, type MessageHeader } from './header.ts';
import { parsePath, type Hl7Path } from './path.ts';
import { Hl7Segment } from './segment.ts';

/** What the parser hands to the message. */
export interface Hl7MessageInit {
  readonly text: string;
  readonly segments: readonly string[];
  readonly ctx: DecodeContext;
  readonly charset: string;
  readonly bytes: Buffer | undefined;
}

const NO_SEGMENTS: readonly Hl7Segment[] = Object.freeze([]);

/** One HL7 v2 message. Reading values never throws for message content; oddities go to `warnings`. */
export class Hl7Message {
  /** Decoded ER7 text as received (after charset decoding). */
  readonly text: string;
  readonly encoding: Hl7Encoding;
  /** Charset used to decode the bytes (`utf-8` for string input). */
  readonly charset: string;
  /** What the parser tolerated (bad segment IDs, unknown escapes …); grows as values are decoded. */
  readonly warnings: Hl7Warning[];
  readonly #all: readonly Hl7Segment[];
  #index: Map<string, Hl7Segment[]> | undefined;
  #header: MessageHeader | undefined;
  #bytes: Buffer | undefined;

  constructor(init: Hl7MessageInit) {
    this.text = init.text;
    this.encoding = init.ctx.encoding;
    this.charset = init.charset;
    this.warnings = init.ctx.warnings;
    this.#bytes = init.bytes;
    this.#all = init.segments.map((raw, i) => new Hl7Segment(raw, i + 1, init.ctx));
  }

  /** The original bytes (the input Buffer, or the UTF-8 encoding of string input), for raw storage. */
  get bytes(): Buffer {
    this.#bytes ??= Buffer.from(this.text, 'utf8');
    return this.#bytes;
  }

  /** MSH fields for ACKs, deduplication and routing (see header.ts). */
  get header(): MessageHeader {
    const msh = this.#all[0];
    this.#header ??= buildHeader(msh ?? new Hl7Segment('MSH', 1, { encoding: this.encoding, hexCharset: 'utf-8', warnings: [] }), this.encoding);
    return this.#header;
  }

  #segmentIndex(): Map<string, Hl7Segment[]> {
    if (this.#index === undefined) {
      const index = new Map<string, Hl7Segment[]>();
      for (const segment of this.#all) {
        const list = index.get(segment.id);
        if (list === undefined) index.set(segment.id, [segment]);
        else list.push(segment);
      }
      this.#index = index;
    }
    return this.#index;
  }

  /** All segments in order, or only those with the given ID (Z-segments included). */
  segments(id?: string): readonly Hl7Segment[] {
    if (id === undefined) return this.#all;
    return this.#segmentIndex().get(id) ?? NO_SEGMENTS;
  }

  /** The `occurrence`-th (1-based) segment with this ID, or undefined. */
  segment(id: string, occurrence = 1): Hl7Segment | undefined {
    return this.#segmentIndex().get(id)?.[occurrence - 1];
  }

  #resolve(path: string): { segment: Hl7Segment | undefined; parsed: Hl7Path } {
    const parsed = parsePath(path);
    if (parsed.segment === '') throw new GatewayError('ING-HL7-PATH', 'fault', 'A message path must start with a segment ID');
    return { segment: this.segment(parsed.segment, parsed.occurrence), parsed };
  }

  /**
   * Decoded value at a path (`PID-5.1`, `PID-3[2].4.1`, `DG1[2]-3.1`): '' when absent or `""`.
   * Without a component the whole first repetition is returned (component separators included).
   * @throws GatewayError `ING-HL7-PATH` only for a malformed path (a bug in the caller, not the message)
   */
  get(path: string): string {
    const { segment, parsed } = this.#resolve(path);
    return segment === undefined ? '' : segment.valueAt(parsed, path);
  }

  /** Raw text at a path: escapes intact, `""` kept, '' when absent. */
  getRaw(path: string): string {
    const { segment, parsed } = this.#resolve(path);
    return segment === undefined ? '' : segment.rawAt(parsed);
  }

  /** True when the element at the path is HL7's explicit null `""` (the stored value must be cleared). */
  isNull(path: string): boolean {
    return this.getRaw(path) === '""';
  }

  toString(): string {
    return this.text;
  }
}
