/**
 * The mapping files compiled into closures once at load (registry.ts): rules, datatype mappings, id recipes,
 * segment mappings and message variables. A rule writes its values at its target path, binds them and records
 * `""` nulls; a datatype mapping turns one HL7 value into a FHIR datatype or into a resource of its own whose
 * Reference is the value (apply-datatype.ts documents both). Nothing here is per message: the closures keep no
 * state, so one compiled registry serves every message.
 */
import { GatewayError } from '../shared/errors.ts';
import { type Box, locationOf, RequiredMissing } from './apply-datatype.ts';
import { type CompiledDatatype, type CompiledExpr, compileExpr, type DatatypeLinker } from './compile-expr.ts';
import { helperContext, type Scope } from './evaluate.ts';
import type { Hl7Node } from './hl7-node.ts';
import { isObject } from './helpers/context.ts';
import { HELPERS } from './helpers/index.ts';
import { deterministicId } from './ids.ts';
import type { DatatypeMapping, IdRecipe, MessageDefinition, Rule, SegmentMapping } from './model.ts';
import { mergeInto, parseTargetPath, prune, type TargetStep, writeTarget } from './target-path.ts';

/** A rule ready to run: `missing` collects required failures; without it a failure throws RequiredMissing. */
export type CompiledRule = (box: Box, scope: Scope, cleared: Set<string> | undefined, missing?: RequiredMissing[]) => void;

/** An id recipe ready to run over the built value; undefined when the key is empty. */
export type CompiledId = (built: unknown, scope: Scope) => string | undefined;

/** A segment mapping's compiled rules and id. */
export interface CompiledSegment {
  readonly rules: readonly CompiledRule[];
  readonly id: CompiledId | undefined;
}

/** Everything the engine runs, by name. */
export interface CompiledMappings extends DatatypeLinker {
  segment(name: string): CompiledSegment | undefined;
  /** A message variable of a definition (undefined for a `null` variable). */
  variable(definition: MessageDefinition, name: string): CompiledExpr | undefined;
}

function compileRule(rule: Rule, link: DatatypeLinker): CompiledRule {
  const target = rule.to === undefined ? undefined : parseTargetPath(rule.to);
  const appends = target !== undefined && target.length > 0 && target[target.length - 1]?.index === 'append';
  const firstName = target?.[0]?.name;
  const evaluate = compileExpr(rule, link);
  const { bind, each, required, label } = rule;
  return (box, scope, cleared, missing) => {
    const result = evaluate(scope, appends);
    if (result.values.length === 0) {
      // A binding is local to its segment occurrence: an empty one hides the value of an earlier occurrence.
      if (bind !== undefined) scope.run.bind(bind, scope.position, undefined);
      if (result.nulled && cleared !== undefined && firstName !== undefined) cleared.add(firstName);
      if (required === true) {
        const error = new RequiredMissing(scope.segment === undefined ? result.location : locationOf(rule, scope), label);
        if (missing === undefined) throw error;
        missing.push(error);
      }
      return;
    }
    if (bind !== undefined) scope.run.bind(bind, scope.position, each === true ? result.values : result.values[0]);
    if (target === undefined) return;
    if (!appends) return write(box, target, result.values[0]);
    for (const value of result.values) {
      if (!Array.isArray(value)) write(box, target, value);
      else for (const item of value as unknown[]) write(box, target, item);
    }
  };
}

/** Writes one value at a target path of the box (`.` replaces or extends the whole value). */
function write(box: Box, target: readonly TargetStep[], value: unknown): void {
  if (target.length === 0) {
    if (isObject(value) && isObject(box.root)) mergeInto(box.root, value, true);
    else box.root = value;
  } else {
    if (!isObject(box.root)) box.root = {};
    writeTarget(box.root as Record<string, unknown>, target, value);
  }
}

function compileId(recipe: IdRecipe, link: DatatypeLinker): CompiledId {
  const prefix = recipe.prefix;
  if (recipe.fn !== undefined) {
    const helper = HELPERS[recipe.fn];
    return (built, scope) => {
      const key = helper?.apply(built, {}, helperContext(scope, scope.location, scope.node));
      const parts = Array.isArray(key) ? key.map(String) : undefined;
      return parts === undefined || parts.every((part) => part === '') ? undefined : deterministicId(prefix, parts);
    };
  }
  const keys = (recipe.key ?? []).map((expr) => compileExpr(expr, link));
  return (_built, scope) => {
    const parts = keys.map((key) => {
      const value = key(scope, false).values[0];
      return value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value);
    });
    return parts.every((part) => part === '') ? undefined : deterministicId(prefix, parts);
  };
}

function compileDatatype(mapping: DatatypeMapping, link: DatatypeLinker): CompiledDatatype {
  const rules = mapping.rules.map((rule) => compileRule(rule, link));
  const finish = mapping.finish === undefined ? undefined : { helper: HELPERS[mapping.finish.fn], args: mapping.finish.args ?? {} };
  const id = mapping.id === undefined ? undefined : compileId(mapping.id, link);
  const resource = mapping.resource;
  return (node: Hl7Node, outer: Scope) => {
    const scope: Scope = { run: outer.run, segment: outer.segment, node, position: outer.position, location: node.location };
    const box: Box = { root: {} };
    try {
      for (const rule of rules) rule(box, scope, undefined);
    } catch (error) {
      if (error instanceof RequiredMissing) return undefined;
      throw error;
    }
    let value = prune(box.root);
    if (finish !== undefined && value !== undefined) value = prune(finish.helper?.apply(value, finish.args, helperContext(scope, scope.location, node)));
    if (value === undefined || resource === undefined || id === undefined) return value;
    if (!isObject(value)) throw new GatewayError('MAP-DATATYPE', 'fault', `Datatype mapping ${mapping.name} must build an object`);
    const resourceId = id(value, scope);
    if (resourceId === undefined) return undefined;
    scope.run.addResource(resource, resourceId, { resourceType: resource, id: resourceId, ...value }, [], outer.position, false);
    return { reference: `${resource}/${resourceId}` };
  };
}

/** Compiles every mapping of a registry and the message variables of its definitions. */
export function compileMappings(
  datatypes: ReadonlyMap<string, DatatypeMapping>,
  segments: ReadonlyMap<string, SegmentMapping>,
  definitions: Iterable<MessageDefinition>,
): CompiledMappings {
  const compiledDatatypes = new Map<string, CompiledDatatype>();
  const compiledSegments = new Map<string, CompiledSegment>();
  const variables = new Map<MessageDefinition, Map<string, CompiledExpr>>();
  // Datatype mappings refer to each other by name; the closures look the name up when they run.
  const link: CompiledMappings = {
    datatype: (name) => compiledDatatypes.get(name),
    segment: (name) => compiledSegments.get(name),
    variable: (definition, name) => variables.get(definition)?.get(name),
  };
  for (const [name, mapping] of datatypes) compiledDatatypes.set(name, compileDatatype(mapping, link));
  for (const [name, mapping] of segments) {
    compiledSegments.set(name, {
      rules: mapping.rules.map((rule) => compileRule(rule, link)),
      id: 'resource' in mapping.target ? compileId(mapping.target.id, link) : undefined,
    });
  }
  for (const definition of definitions) {
    const vars = new Map<string, CompiledExpr>();
    for (const [name, expr] of Object.entries(definition.vars)) if (expr !== null) vars.set(name, compileExpr(expr, link));
    variables.set(definition, vars);
  }
  return link;
}
