/**
 * The state of mapping one message: the resources made so far (by `Type/id`, in creation order), variable
 * bindings (each remembers the segment position it came from), the event being filled, warnings and the
 * report's sinks. Lookups of bindings and absolute paths take the nearest occurrence at or before the current
 * segment, else the first one: an OBX sees its own OBR's report, an MRG its own PID's patient, and an NK1 that
 * precedes PV1 still sees the visit's encounter.
 */
import type { Hl7Message } from '../ingest/hl7v2/index.ts';
import { SegmentNode } from './hl7-node.ts';
import { toFhirDateTime, type FhirDateTime } from './helpers/datetime.ts';
import type { MessageDefinition } from './model.ts';
import type { Registry } from './registry.ts';
import type { ResolvedSource } from './sources.ts';
import { mergeInto } from './target-path.ts';

/** A resource being built, with the elements the message nulled. */
export interface ResourceEntry {
  readonly type: string;
  readonly id: string;
  readonly body: Record<string, unknown>;
  readonly cleared: Set<string>;
  /** Position of the segment that created it (0 for resources made from the header). */
  readonly position: number;
}

interface Binding {
  readonly position: number;
  readonly value: unknown;
  /** Only segments after it see it (an OBR's report is not the report of an OBX before that OBR). */
  readonly precedingOnly: boolean;
}

const MAX_WARNINGS = 200;

/** State for one `map` call; never shared between messages. */
export class MappingRun {
  readonly warnings: string[] = [];
  readonly unmappedFields = new Set<string>();
  /** Positions of segment occurrences that were skipped (reported as unmapped segments). */
  readonly skipped = new Set<number>();
  readonly event: Record<string, unknown> = {};
  readonly #resources = new Map<string, ResourceEntry>();
  readonly #byPosition = new Map<number, ResourceEntry>();
  readonly #bindings = new Map<string, Binding[]>();
  /** Names in the order they were bound, so a rollback can undo the latest ones. */
  readonly #journal: string[] = [];
  readonly #vars = new Map<string, unknown>();
  readonly #segments = new Map<string, SegmentNode[]>();
  readonly #warned = new Set<string>();

  constructor(
    readonly message: Hl7Message,
    readonly registry: Registry,
    readonly definition: MessageDefinition,
    readonly source: ResolvedSource,
    private readonly evaluateVar: (name: string, run: MappingRun) => unknown,
  ) {}

  /** HL7 DTM → FHIR dateTime in the source's zone (see helpers/datetime.ts). */
  convertDateTime(text: string): FhirDateTime | undefined {
    return toFhirDateTime(text, this.source.zoneOffset);
  }

  warn(text: string): void {
    if (this.#warned.has(text) || this.warnings.length >= MAX_WARNINGS) return;
    this.#warned.add(text);
    this.warnings.push(text);
  }

  /** Segment occurrences with this id, as nodes (cached). */
  segmentsOf(id: string): SegmentNode[] {
    let nodes = this.#segments.get(id);
    if (nodes === undefined) {
      nodes = this.message.segments(id).map((segment) => new SegmentNode(segment, this.message.encoding));
      this.#segments.set(id, nodes);
    }
    return nodes;
  }

  /** The occurrence of `id` nearest at or before `position`, else the first one. */
  segmentNear(id: string, position: number): SegmentNode | undefined {
    const nodes = this.segmentsOf(id);
    let found: SegmentNode | undefined;
    for (const node of nodes) if (node.position <= position) found = node;
    return found ?? nodes[0];
  }

  bind(name: string, position: number, value: unknown, precedingOnly = false): void {
    const list = this.#bindings.get(name) ?? [];
    list.push({ position, value, precedingOnly });
    this.#bindings.set(name, list);
    this.#journal.push(name);
  }

  /** A binding (nearest at or before `position`, else the first), a message variable, or a built-in. */
  lookup(name: string, position: number): unknown {
    const list = this.#bindings.get(name);
    if (list !== undefined && list.length > 0) {
      let found: Binding | undefined;
      for (const binding of list) if (binding.position <= position) found = binding;
      const first = list[0];
      return (found ?? (first?.precedingOnly === true ? undefined : first))?.value;
    }
    if (name in this.definition.vars) return this.#messageVar(name);
    if (name === 'sourceFacility') return this.source.facility;
    if (name === 'sourceName') return this.source.config.name;
    if (name === 'sourceIdentifier') return this.source.config.organizationIdentifier;
    if (name === 'messageType') return this.message.header.messageCode;
    if (name === 'trigger') return this.message.header.triggerEvent;
    return undefined;
  }

  /** `lookup` bound to a position (for templates). */
  lookupAt(position: number): (name: string) => unknown {
    return (name) => this.lookup(name, position);
  }

  #messageVar(name: string): unknown {
    if (this.#vars.has(name)) return this.#vars.get(name);
    this.#vars.set(name, undefined);
    const value = this.evaluateVar(name, this);
    this.#vars.set(name, value);
    return value;
  }

  /**
   * Adds a resource, or merges into the one with the same type and id (the first value of a scalar wins).
   * `primary` marks the resource a segment mapping made (found again by `resourceAt`), not one made by a
   * datatype inside it (a Practitioner from PV1-7).
   */
  addResource(type: string, id: string, body: Record<string, unknown>, cleared: Iterable<string>, position: number, primary: boolean): ResourceEntry {
    const key = `${type}/${id}`;
    const existing = this.#resources.get(key);
    if (existing !== undefined) {
      mergeInto(existing.body, body, false);
      for (const name of cleared) existing.cleared.add(name);
      if (primary && !this.#byPosition.has(position)) this.#byPosition.set(position, existing);
      return existing;
    }
    const entry: ResourceEntry = { type, id, body, cleared: new Set(cleared), position };
    this.#resources.set(key, entry);
    if (primary && !this.#byPosition.has(position)) this.#byPosition.set(position, entry);
    return entry;
  }

  /** The resource first created from the segment at `position`. */
  resourceAt(position: number): ResourceEntry | undefined {
    return this.#byPosition.get(position);
  }

  /** The resource a Reference value (`{ reference: 'Type/id' }`) points to. */
  resourceOf(reference: unknown): ResourceEntry | undefined {
    if (typeof reference !== 'object' || reference === null) return undefined;
    const ref = (reference as { reference?: unknown }).reference;
    return typeof ref === 'string' ? this.#resources.get(ref) : undefined;
  }

  resources(): ResourceEntry[] {
    return [...this.#resources.values()];
  }

  /** A marker to undo additions made by a skipped occurrence. */
  checkpoint(): { resources: number; bindings: number } {
    return { resources: this.#resources.size, bindings: this.#journal.length };
  }

  rollback(mark: { resources: number; bindings: number }): void {
    const keys = [...this.#resources.keys()].slice(mark.resources);
    for (const key of keys) {
      const entry = this.#resources.get(key);
      this.#resources.delete(key);
      if (entry !== undefined && this.#byPosition.get(entry.position) === entry) this.#byPosition.delete(entry.position);
    }
    while (this.#journal.length > mark.bindings) {
      const name = this.#journal.pop();
      if (name !== undefined) this.#bindings.get(name)?.pop();
    }
  }
}
