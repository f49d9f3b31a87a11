/**
 * Read-only views over the parsed message (src/ingest/hl7v2) for the mapping engine: a segment, one field
 * repetition, a component, a sub-component (HL7 v2.5.1 ch. 2 §2.5.3). Mapping paths are relative to the
 * node they are read from — `3.4.1` on a segment is PID-3.4.1, `4.1` on a CX repetition is its CX-4.1 —
 * or absolute (`PV1-44`). Values are decoded by the parser's element classes; nothing is split eagerly.
 */
import { GatewayError } from '../shared/errors.ts';
import type { Hl7Component, Hl7Encoding, Hl7Repetition, Hl7Segment, Hl7SubComponent } from '../ingest/hl7v2/index.ts';

/** A mapping path: optional segment id (absolute) and 1-based indexes below it. */
export interface MappingPath {
  readonly segment: string | undefined;
  readonly indexes: readonly number[];
  readonly text: string;
}

const PATH = /^(?:([A-Z][A-Z0-9]{2})-)?([1-9]\d{0,2})(?:\.([1-9]\d{0,2}))?(?:\.([1-9]\d{0,2}))?$/;

/**
 * Parses `3`, `3.4`, `3.4.1` (relative) or `PV1-44.1` (absolute).
 * @throws GatewayError `MAP-PATH` (fault) for a malformed path — a mistake in a mapping file
 */
export function parseMappingPath(text: string): MappingPath {
  const match = PATH.exec(text);
  if (match === null) throw new GatewayError('MAP-PATH', 'fault', `Invalid mapping path "${text}"`);
  const indexes = [match[2], match[3], match[4]].filter((part): part is string => part !== undefined).map(Number);
  return { segment: match[1], indexes, text };
}

/** One element of the message tree as the engine sees it. */
export interface Hl7Node {
  /** `PID-3`, `PID-3.4`: where the value came from, for reports and error issues. */
  readonly location: string;
  /** The raw text (escapes intact). */
  readonly raw: string;
  /** The n-th child (component of a repetition, sub-component of a component); undefined below a leaf. */
  child(n: number): Hl7Node | undefined;
  /** The first leaf, decoded and trimmed: what a primitive reads when a composite was sent (ch. 2 §2.5.3.3). */
  text(): string;
  /** True when the node holds a value (not empty, not only separators, not `""`). */
  hasValue(): boolean;
}

function hasContent(raw: string, separators: string): boolean {
  for (let i = 0; i < raw.length; i += 1) if (!separators.includes(raw.charAt(i))) return true;
  return false;
}

/** True when the node holds HL7's explicit null `""`. */
export function isNullNode(node: Hl7Node): boolean {
  return node.raw === '""';
}

class SubComponentNode implements Hl7Node {
  constructor(
    private readonly sub: Hl7SubComponent,
    readonly location: string,
  ) {}
  get raw(): string {
    return this.sub.raw;
  }
  child(): undefined {
    return undefined;
  }
  text(): string {
    return this.sub.value.trim();
  }
  hasValue(): boolean {
    return this.sub.raw !== '' && this.sub.raw !== '""';
  }
}

class ComponentNode implements Hl7Node {
  #subs: Hl7SubComponent[] | undefined;
  constructor(
    private readonly component: Hl7Component,
    readonly location: string,
    private readonly enc: Hl7Encoding,
  ) {}
  get raw(): string {
    return this.component.raw;
  }
  #children: Array<Hl7Node | undefined> | undefined;
  child(n: number): Hl7Node | undefined {
    if (this.#children === undefined) {
      this.#subs ??= this.component.subComponents;
      this.#children = this.#subs.map((sub) => new SubComponentNode(sub, this.location));
    }
    return this.#children[n - 1];
  }
  text(): string {
    return this.child(1)?.text() ?? '';
  }
  hasValue(): boolean {
    return this.raw !== '""' && hasContent(this.raw, this.enc.subComponent);
  }
}

class RepetitionNode implements Hl7Node {
  #components: Hl7Component[] | undefined;
  constructor(
    private readonly repetition: Hl7Repetition,
    readonly location: string,
    private readonly enc: Hl7Encoding,
  ) {}
  get raw(): string {
    return this.repetition.raw;
  }
  #children: Array<Hl7Node | undefined> | undefined;
  child(n: number): Hl7Node | undefined {
    if (this.#children === undefined) {
      this.#components ??= this.repetition.components;
      this.#children = this.#components.map((component, i) => new ComponentNode(component, `${this.location}.${i + 1}`, this.enc));
    }
    return this.#children[n - 1];
  }
  text(): string {
    return this.child(1)?.text() ?? '';
  }
  hasValue(): boolean {
    return this.raw !== '""' && hasContent(this.raw, this.enc.component + this.enc.subComponent);
  }
}

/** A segment occurrence, with its field repetitions as nodes. */
export class SegmentNode {
  constructor(
    readonly segment: Hl7Segment,
    private readonly enc: Hl7Encoding,
  ) {}

  get id(): string {
    return this.segment.id;
  }

  get position(): number {
    return this.segment.position;
  }

  readonly #fields = new Map<number, Hl7Node[]>();

  /** Repetitions of field `n` (all, or only the first); an explicit null `""` is one null repetition. */
  repetitions(n: number, all: boolean): Hl7Node[] {
    let nodes = this.#fields.get(n);
    if (nodes === undefined) {
      const field = this.segment.field(n);
      const location = `${this.segment.id}-${n}`;
      nodes = field.isEmpty ? [] : field.repetitions.map((rep) => new RepetitionNode(rep, location, this.enc));
      this.#fields.set(n, nodes);
    }
    return all || nodes.length <= 1 ? nodes : nodes.slice(0, 1);
  }

  /** Numbers of the fields that hold something (content or `""`). */
  presentFields(): number[] {
    const present: number[] = [];
    const separators = this.segment.id === 'MSH' ? '' : this.enc.component + this.enc.repetition + this.enc.subComponent;
    for (let n = 1; n <= this.segment.fieldCount; n += 1) {
      const raw = this.segment.fieldRaw(n);
      if (raw !== '' && (separators === '' || hasContent(raw, separators))) present.push(n);
    }
    return present;
  }
}

/** Descends from `node` through 1-based child indexes. */
export function descend(node: Hl7Node, indexes: readonly number[]): Hl7Node | undefined {
  let current: Hl7Node | undefined = node;
  for (const index of indexes) {
    current = current?.child(index);
    if (current === undefined) return undefined;
  }
  return current;
}
