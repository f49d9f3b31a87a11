/**
 * What a named helper function may use besides its input: the source's settings, read access to the HL7
 * element it runs on, variables, and the message's warning and report sinks. Helpers are pure with respect to
 * this context (no I/O, no clock, no module state), so each can be unit-tested with a fake context.
 */
import type { Translation } from '../concept-maps.ts';
import type { Hl7Node } from '../hl7-node.ts';
import type { JsonValue } from '../model.ts';
import type { ResolvedSource, SourcesFile } from '../sources.ts';

export type HelperArgs = Readonly<Record<string, JsonValue>>;

export interface HelperContext {
  readonly source: ResolvedSource;
  readonly sources: SourcesFile;
  /** Where the value came from (`PID-7`), for warnings. */
  readonly location: string;
  /** The datatype value being finished (datatype `finish` helpers), else undefined. */
  readonly node: Hl7Node | undefined;
  /** Decoded text at a path relative to the rule's scope (`2`, `6.3`) or absolute (`OBR-7`); '' when absent. */
  read(path: string): string;
  /** Every repetition at a path (relative or absolute). */
  readAll(path: string): Hl7Node[];
  variable(name: string): unknown;
  /** Adds a warning to the report (never put patient data in it). */
  warn(text: string): void;
  /** Lists an element in the report's unmapped fields. */
  unmapped(location: string): void;
  translate(conceptMap: string, code: string): Translation;
  /** Applies a datatype mapping (e.g. `CWE.codeable-concept`) to a node. */
  applyDatatype(name: string, node: Hl7Node): unknown;
  /** DTM → FHIR dateTime with the source's zone (warns once when the zone is assumed); undefined if invalid. */
  dateTime(text: string): string | undefined;
}

/** A named helper: what it takes (decoded text, the HL7 node, or an already mapped value) and the function. */
export interface Helper {
  readonly takes: 'text' | 'node' | 'value';
  /** Argument names holding HL7 paths the helper reads (so the report counts those fields as mapped). */
  readonly pathArgs?: readonly string[];
  apply(input: unknown, args: HelperArgs, ctx: HelperContext): unknown;
}

/** The string argument `name`, or `fallback`. */
export function stringArg(args: HelperArgs, name: string, fallback = ''): string {
  const value = args[name];
  return typeof value === 'string' ? value : fallback;
}

/** Narrows an unknown to a plain object. */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
