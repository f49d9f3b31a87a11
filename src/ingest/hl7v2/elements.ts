/**
 * The element tree below a segment (HL7 v2.5.1 ch. 2 §2.5.3 fields, §2.5.3.2 repetitions,
 * §2.5.3.3 components and sub-components). Elements are views over the raw text: splitting and escape
 * decoding happen only when a value is read. Indexes are 1-based like the standard's names (PID-5.1).
 *
 * `""` is HL7's explicit null ("delete the stored value", ch. 2 §2.5.3): `isNull` is true and `value`
 * is ''. An absent or empty element has `isEmpty` true and `value` ''.
 */
import { decodeEscapes } from './escape.ts';
import type { DecodeContext } from './encoding.ts';

const NULL = '""';

/** Common behaviour of every level of the tree. */
export abstract class Hl7Element {
  /**
   * @param raw the element's text as sent, escape sequences intact
   * @param literal true for MSH-1/MSH-2, which hold delimiters and are never split or decoded
   */
  constructor(
    readonly raw: string,
    protected readonly ctx: DecodeContext,
    readonly location: string,
    protected readonly literal = false,
  ) {}

  /** True when the sender sent `""`: the receiver must clear its stored value. */
  get isNull(): boolean {
    return this.raw === NULL;
  }

  /** True when nothing was sent (not the same as {@link isNull}). */
  get isEmpty(): boolean {
    return this.raw === '';
  }

  /** The text with escape sequences decoded; '' for null. Unknown escapes are kept and warned about. */
  get value(): string {
    if (this.literal) return this.raw;
    if (this.raw === NULL) return '';
    return decodeEscapes(this.raw, this.ctx, this.location);
  }

  toString(): string {
    return this.value;
  }

  protected split(separator: string): string[] {
    if (this.raw === '') return [];
    return this.literal ? [this.raw] : this.raw.split(separator);
  }
}

/** A sub-component (HL7 v2 ch. 2 §2.5.3.3): the leaf of the tree. */
export class Hl7SubComponent extends Hl7Element {}

/** A component (ch. 2 §2.5.3.3), split into sub-components at MSH-2's fourth character. */
export class Hl7Component extends Hl7Element {
  /** All sub-components (empty list for an empty component). */
  get subComponents(): Hl7SubComponent[] {
    return this.split(this.ctx.encoding.subComponent).map((raw) => new Hl7SubComponent(raw, this.ctx, this.location, this.literal));
  }

  /** Sub-component `n` (1-based); an empty element when absent. */
  subComponent(n: number): Hl7SubComponent {
    return new Hl7SubComponent(this.split(this.ctx.encoding.subComponent)[n - 1] ?? '', this.ctx, this.location, this.literal);
  }
}

/** One repetition of a field (ch. 2 §2.5.3.2), split into components at MSH-2's first character. */
export class Hl7Repetition extends Hl7Element {
  /** All components (empty list for an empty repetition). */
  get components(): Hl7Component[] {
    return this.split(this.ctx.encoding.component).map((raw, i) => new Hl7Component(raw, this.ctx, `${this.location}.${i + 1}`, this.literal));
  }

  /** Component `n` (1-based); an empty element when absent. */
  component(n: number): Hl7Component {
    const raw = this.split(this.ctx.encoding.component)[n - 1] ?? '';
    return new Hl7Component(raw, this.ctx, `${this.location}.${n}`, this.literal);
  }
}

/** A field (ch. 2 §2.5.3), split into repetitions at MSH-2's second character. */
export class Hl7Field extends Hl7Element {
  /** All repetitions (empty list for an empty field). */
  get repetitions(): Hl7Repetition[] {
    return this.split(this.ctx.encoding.repetition).map((raw) => new Hl7Repetition(raw, this.ctx, this.location, this.literal));
  }

  /** Repetition `n` (1-based, default the first); an empty element when absent. */
  repetition(n = 1): Hl7Repetition {
    const raw = this.split(this.ctx.encoding.repetition)[n - 1] ?? '';
    return new Hl7Repetition(raw, this.ctx, this.location, this.literal);
  }

  /** Component `n` of the first repetition (the common case: `field.component(1)`). */
  component(n: number): Hl7Component {
    return this.repetition(1).component(n);
  }
}
