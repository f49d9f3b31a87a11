/**
 * Compiling value expressions (model.ts `Expr`) into closures once, when the mapping files are loaded: every
 * decision the files fix (which source, which parsed paths, which helper, datatype mapping, ConceptMap and
 * template) is taken here, so evaluating an expression on a message only reads the message. The closures do
 * exactly what the expression says (evaluate.ts documents the semantics); the golden tests pin the output.
 */
import { applyMap } from './apply-map.ts';
import { type Evaluated, helperContext, type Scope } from './evaluate.ts';
import { type Hl7Node, isNullNode, parseMappingPath } from './hl7-node.ts';
import { isObject } from './helpers/context.ts';
import { HELPERS } from './helpers/index.ts';
import type { Expr, JsonValue, MapOutput } from './model.ts';
import type { MappingRun } from './run.ts';
import { prune } from './target-path.ts';

/** An expression ready to run: every value it yields (one per repetition when `all`), converted. */
export type CompiledExpr = (scope: Scope, all: boolean) => Evaluated;

/** A datatype mapping ready to run on one HL7 value (see compile.ts). */
export type CompiledDatatype = (node: Hl7Node, outer: Scope) => unknown;

/** A template ready to fill: `$` is the value, `$name` a variable at the scope's position (unpruned). */
export type CompiledTemplate = (value: unknown, run: MappingRun, position: number) => unknown;

/** Finds compiled datatype mappings by name (resolved on first use, so mappings may refer to each other). */
export interface DatatypeLinker {
  datatype(name: string): CompiledDatatype | undefined;
}

const VARIABLE = /^\$([A-Za-z][A-Za-z0-9_]*)$/;

/** Compiles a template (template.ts semantics: `$`, `$name`, `$$literal`, `...` spread). */
export function compileTemplate(template: JsonValue): CompiledTemplate {
  if (typeof template === 'string') {
    if (template === '$') return (value) => value;
    if (template.startsWith('$$')) {
      const literal = template.slice(1);
      return () => literal;
    }
    const match = VARIABLE.exec(template);
    if (match === null) return () => template;
    const name = match[1] ?? '';
    return (_value, run, position) => run.lookup(name, position);
  }
  if (Array.isArray(template)) {
    const items = template.map(compileTemplate);
    return (value, run, position) => items.map((item) => item(value, run, position));
  }
  if (template !== null && typeof template === 'object') {
    const entries = Object.entries(template).map(([key, child]) => [key, compileTemplate(child)] as const);
    return (value, run, position) => {
      const out: Record<string, unknown> = {};
      for (const [key, fill] of entries) {
        const filled = fill(value, run, position);
        if (key !== '...') out[key] = filled;
        else if (typeof filled === 'object' && filled !== null && !Array.isArray(filled)) Object.assign(out, filled);
      }
      return out;
    };
  }
  return () => template;
}

/** The value expression's source items: a constant, a variable, HL7 nodes, or the scope itself. */
interface Source {
  items: unknown[];
  nulled: boolean;
  location: string;
}

const SCOPE = Symbol('scope');
const SCOPE_ITEMS: readonly unknown[] = Object.freeze([SCOPE]);
const NO_ITEMS: readonly unknown[] = Object.freeze([]);

/** A path with its first index split off (the field of a segment-relative or absolute path). */
interface CompiledPath {
  readonly segment: string | undefined;
  readonly indexes: readonly number[];
  readonly first: number;
  readonly rest: readonly number[];
}

function compilePath(text: string): CompiledPath {
  const parsed = parseMappingPath(text);
  const [first = 0, ...rest] = parsed.indexes;
  return { segment: parsed.segment, indexes: parsed.indexes, first, rest };
}

/** The nodes at a compiled path (evaluate.ts `resolvePath`). */
function nodesAt(path: CompiledPath, scope: Scope, all: boolean): Hl7Node[] {
  if (path.segment === undefined && scope.node !== undefined) {
    let node: Hl7Node | undefined = scope.node;
    for (const index of path.indexes) {
      node = node.child(index);
      if (node === undefined) return [];
    }
    return [node];
  }
  const segment = path.segment === undefined ? scope.segment : scope.run.segmentNear(path.segment, scope.position);
  if (segment === undefined) return [];
  const reps = segment.repetitions(path.first, all);
  if (path.rest.length === 0) return reps;
  const out: Hl7Node[] = [];
  for (const rep of reps) {
    let node: Hl7Node | undefined = rep;
    for (const index of path.rest) {
      node = node.child(index);
      if (node === undefined) break;
    }
    if (node !== undefined) out.push(node);
  }
  return out;
}

function compileSource(expr: Expr): (scope: Scope, all: boolean) => Source {
  if (expr.const !== undefined) {
    const items = Object.freeze([expr.const]) as readonly unknown[] as unknown[];
    return (scope) => ({ items, nulled: false, location: scope.location });
  }
  if (expr.var !== undefined) {
    const names = typeof expr.var === 'string' ? [expr.var] : [...expr.var];
    return (scope) => {
      for (const name of names) {
        const value = scope.run.lookup(name, scope.position);
        if (value !== undefined) return { items: [value], nulled: false, location: scope.location };
      }
      return { items: NO_ITEMS as unknown[], nulled: false, location: scope.location };
    };
  }
  if (expr.from === undefined) return (scope) => ({ items: SCOPE_ITEMS as unknown[], nulled: false, location: scope.location });
  const paths = (typeof expr.from === 'string' ? [expr.from] : [...expr.from]).map(compilePath);
  return (scope, all) => {
    let nulled = false;
    let location = scope.location;
    for (const path of paths) {
      const nodes = nodesAt(path, scope, all);
      let valued: Hl7Node[] | undefined;
      for (const node of nodes) {
        if (node.hasValue()) (valued ??= []).push(node);
        else if (isNullNode(node)) {
          nulled = true;
          location = node.location;
        }
      }
      if (valued !== undefined) return { items: valued, nulled: false, location: (valued[0] as Hl7Node).location };
    }
    return { items: NO_ITEMS as unknown[], nulled, location };
  };
}

function isNode(item: unknown): item is Hl7Node {
  return isObject(item) && typeof (item as { child?: unknown }).child === 'function' && typeof (item as { text?: unknown }).text === 'function';
}

/** Converts one source item: `as` a datatype, `map` a ConceptMap, `fn` a helper, `value` a template. */
function compileConvert(expr: Expr, link: DatatypeLinker): (item: unknown, scope: Scope, location: string) => unknown {
  const helper = expr.fn === undefined ? undefined : HELPERS[expr.fn];
  const args = expr.args ?? {};
  const as = expr.as;
  const map = expr.map;
  const mapTo: MapOutput = expr.mapTo ?? 'coding';
  const template = expr.value === undefined ? undefined : compileTemplate(expr.value);
  const readsText = helper?.takes !== 'node';
  return (item, scope, location) => {
    const node = isNode(item) ? item : undefined;
    let value: unknown = item === SCOPE ? undefined : item;
    if (node !== undefined) {
      if (as !== undefined) {
        const datatype = link.datatype(as);
        value = datatype === undefined ? undefined : datatype(node, scope);
      } else if (readsText) value = node.text();
    }
    if (map !== undefined && value !== undefined) value = applyMap(map, mapTo, value, scope.run, location);
    if (helper !== undefined) {
      if (value === undefined && item !== SCOPE && readsText) return undefined;
      value = helper.apply(value, args, helperContext(scope, location, scope.node ?? node));
    }
    if (template !== undefined && value !== undefined) value = prune(template(value, scope.run, scope.position));
    return typeof value === 'object' ? prune(value) : value === '' ? undefined : value;
  };
}

/**
 * Compiles an expression. An empty result with a `default` yields the default (a template over variables);
 * `nulled` is set when a source was HL7's explicit `""` and nothing else gave a value.
 */
export function compileExpr(expr: Expr, link: DatatypeLinker): CompiledExpr {
  const source = compileSource(expr);
  const convert = compileConvert(expr, link);
  const fallback = expr.default === undefined ? undefined : compileTemplate(expr.default);
  const each = expr.each === true;
  return (scope, all) => {
    const { items, nulled, location } = source(scope, all || each);
    const values: unknown[] = [];
    for (const item of items) {
      const value = convert(item, scope, location);
      if (value !== undefined) values.push(value);
    }
    if (values.length === 0 && fallback !== undefined) {
      const filled = prune(fallback(undefined, scope.run, scope.position));
      if (filled !== undefined) values.push(filled);
    }
    return { values, nulled: nulled && values.length === 0, location };
  };
}
