/**
 * Which fields of which segments a message definition reads (rule paths, id keys, helper path arguments, the
 * `consumes` lists): the report of unmapped input (report.ts) lists every other field that held content.
 */
import { parseMappingPath } from './hl7-node.ts';
import { HELPERS } from './helpers/index.ts';
import type { Expr, MessageDefinition, SegmentMapping } from './model.ts';

/** Fields each segment has read by some rule of a message definition. */
export type Consumption = ReadonlyMap<string, ReadonlySet<number>>;

/** The HL7 paths an expression reads: `from`, and the path arguments of its helper. */
export function exprPaths(expr: Expr): string[] {
  const from = expr.from === undefined ? [] : typeof expr.from === 'string' ? [expr.from] : [...expr.from];
  const helper = expr.fn === undefined ? undefined : HELPERS[expr.fn];
  const argPaths = (helper?.pathArgs ?? []).map((name) => expr.args?.[name]).filter((p): p is string => typeof p === 'string');
  return [...from, ...argPaths];
}

function addField(fields: Map<string, Set<number>>, segment: string, field: number): void {
  let set = fields.get(segment);
  if (set === undefined) {
    set = new Set();
    fields.set(segment, set);
  }
  set.add(field);
}

/** The fields a definition's rules read, per segment (relative paths count for the step's segment). */
export function computeConsumption(definition: MessageDefinition, segments: ReadonlyMap<string, SegmentMapping>): Consumption {
  const fields = new Map<string, Set<number>>();
  const addPaths = (expr: Expr, segment: string | undefined): void => {
    for (const p of exprPaths(expr)) {
      const parsed = parseMappingPath(p);
      const owner = parsed.segment ?? segment;
      if (owner !== undefined) addField(fields, owner, parsed.indexes[0] ?? 0);
    }
  };
  for (const step of definition.steps) {
    if (!fields.has(step.segment)) fields.set(step.segment, new Set());
    for (const name of step.use) {
      const mapping = segments.get(name);
      if (mapping === undefined) continue;
      const keys = 'resource' in mapping.target ? (mapping.target.id.key ?? []) : [];
      for (const expr of [...mapping.rules, ...keys]) addPaths(expr, step.segment);
      for (const field of mapping.consumes) addField(fields, step.segment, field);
    }
  }
  for (const expr of Object.values(definition.vars)) if (expr !== null) addPaths(expr, undefined);
  return fields;
}
