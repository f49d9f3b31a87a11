/**
 * The shapes of the declarative mapping files under `mappings/` once loaded and checked against
 * `mappings/mapping.schema.json`. The files describe *what* goes *where*; the engine (engine.ts) and the
 * named helpers (helpers/) do the work. See mappings/hl7v2/README.md for the format with examples.
 */

/** Any JSON value a mapping file can hold (constants, templates, helper arguments). */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** How a ConceptMap translation is written: the target code, the target Coding, or a CodeableConcept. */
export type MapOutput = 'code' | 'coding' | 'concept';

/**
 * A value expression. Sources (first that applies): `const`, `var`, `from`, else the current node.
 * Then, for each source value: `as` (datatype mapping), `map` (ConceptMap), `fn` (helper), `value` (template).
 */
export interface Expr {
  /** HL7 path(s): relative (`3`, `3.4.1`) or absolute (`PV1-44`); a list takes the first non-empty one. */
  readonly from?: string | readonly string[];
  /** Variable name(s) (`patient`, `encounterId`, or a message variable); a list takes the first defined one. */
  readonly var?: string | readonly string[];
  readonly const?: JsonValue;
  /** Datatype mapping name, e.g. `XPN.human-name`. */
  readonly as?: string;
  /** Helper function name (see helpers/index.ts), with optional arguments. */
  readonly fn?: string;
  readonly args?: Readonly<Record<string, JsonValue>>;
  /** ConceptMap id in mappings/codes/. */
  readonly map?: string;
  readonly mapTo?: MapOutput;
  /** Structured template; the string `$` is the value, `$name` a variable. */
  readonly value?: JsonValue;
  /** Read every repetition of a field (default: when the target ends with `[]`). */
  readonly each?: boolean;
  /** Used when no source gives a value. */
  readonly default?: JsonValue;
}

/** An expression written somewhere: `to` a target path, and/or bound to a variable name. */
export interface Rule extends Expr {
  /** Target path in the output: `gender`, `name[]` (append), `coding[0].code`, `.` (the whole value). */
  readonly to?: string;
  /** Makes the (first) value available to later rules and mappings as `$bind`. */
  readonly bind?: string;
  /** Missing → the message is unprocessable (AE), or the resource is skipped in an optional step. */
  readonly required?: boolean;
  /** Words used in error messages and warnings, e.g. `admit date/time`. */
  readonly label?: string;
}

/** How a resource id is derived: a readable prefix and a hash of key parts (see ids.ts). */
export interface IdRecipe {
  readonly prefix: string;
  /** Key parts evaluated like expressions; an empty part list means "no id" (the resource is skipped). */
  readonly key?: readonly Expr[];
  /** Or a helper that receives the built resource and returns the key parts. */
  readonly fn?: string;
}

interface MappingBase {
  /** The file stem, e.g. `PID.patient` (set by the loader). */
  readonly name: string;
  /** Relative file path, for messages (set by the loader). */
  readonly file: string;
  readonly rules: readonly Rule[];
}

/** A datatype mapping: one HL7 datatype value → a FHIR datatype, or a resource (then its Reference). */
export interface DatatypeMapping extends MappingBase {
  readonly kind: 'datatype';
  readonly datatype: string;
  readonly target: string;
  /** When set, the value becomes a resource of this type and the expression yields a Reference to it. */
  readonly resource?: string;
  readonly id?: IdRecipe;
  /** A helper that receives the built value and the node, and returns the final value. */
  readonly finish?: { readonly fn: string; readonly args?: Readonly<Record<string, JsonValue>> };
}

/** Where a segment mapping writes. */
export type SegmentTarget =
  | { readonly resource: string; readonly bind?: string; readonly bindScope: 'message' | 'preceding'; readonly id: IdRecipe; readonly profile?: string }
  | { readonly into: string }
  | { readonly adjacent: readonly string[] };

/** A segment mapping: one segment occurrence → a new resource, a bound resource, or the event. */
export interface SegmentMapping extends MappingBase {
  readonly kind: 'segment';
  readonly segment: string;
  readonly target: SegmentTarget;
  /** Variables that must be defined, else the mapping is skipped for this occurrence. */
  readonly requires: readonly string[];
  /** Fields read by another stage (MSH envelope fields for the ACK), so not reported as unmapped. */
  readonly consumes: readonly number[];
}

/** One step of a message definition: all occurrences of a segment, through these mappings, in order. */
export interface Step {
  readonly segment: string;
  readonly use: readonly string[];
  /** A required rule failing skips the resource with a warning instead of rejecting the message. */
  readonly optional: boolean;
}

/** A message definition after `extends` was resolved. */
export interface MessageDefinition {
  readonly name: string;
  readonly file: string;
  /** `ADT^A01` … (MSH-9.1 ^ MSH-9.2). */
  readonly messages: readonly string[];
  readonly vars: Readonly<Record<string, Expr | null>>;
  readonly steps: readonly Step[];
  /** Segments that must be present. */
  readonly require: readonly string[];
  /** Sub-elements removed from bound resources and listed in `cleared` (A13: `period.end`). */
  readonly clear: Readonly<Record<string, readonly string[]>>;
}
