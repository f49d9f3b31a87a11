/**
 * Evaluating mapping expressions (model.ts `Expr`) against the message: read the source (`const`, `var`,
 * `from`; the first that applies, else the current node), convert each value (`as` a datatype mapping, `map`
 * a ConceptMap, `fn` a helper, `value` a template) and hand back structured values; an empty result takes the
 * `default`. The expressions are compiled into closures at load (compile-expr.ts); this file holds the scope
 * they run in and what helpers may read through it. Nothing here builds text that is later parsed.
 */
import { parseMappingPath, type Hl7Node } from './hl7-node.ts';
import type { HelperContext } from './helpers/index.ts';
import type { Translation } from './concept-maps.ts';
import type { MappingRun } from './run.ts';
import { SegmentNode, descend } from './hl7-node.ts';

/** Where an expression is evaluated: a segment occurrence, and inside a datatype value its node. */
export interface Scope {
  readonly run: MappingRun;
  readonly segment: SegmentNode | undefined;
  readonly node: Hl7Node | undefined;
  readonly position: number;
  readonly location: string;
}

/** The values an expression produced, and whether its source was HL7's explicit null `""`. */
export interface Evaluated {
  readonly values: unknown[];
  readonly nulled: boolean;
  /** Where the values came from (`PID-8`), for messages. */
  readonly location: string;
}

/** The nodes at a path: relative to the datatype node or the segment (all repetitions when `all`), or absolute. */
export function resolvePath(path: string, scope: Scope, all: boolean): Hl7Node[] {
  const parsed = scope.run.registry.paths.get(path) ?? parseMappingPath(path);
  const [first = 0, ...rest] = parsed.indexes;
  if (parsed.segment === undefined && scope.node !== undefined) {
    const node = descend(scope.node, parsed.indexes);
    return node === undefined ? [] : [node];
  }
  const segment = parsed.segment === undefined ? scope.segment : scope.run.segmentNear(parsed.segment, scope.position);
  if (segment === undefined) return [];
  const reps = segment.repetitions(first, all);
  if (rest.length === 0) return reps;
  const out: Hl7Node[] = [];
  for (const rep of reps) {
    const node = descend(rep, rest);
    if (node !== undefined) out.push(node);
  }
  return out;
}

/** Decoded text at a path (first value), '' when absent. */
export function readText(path: string, scope: Scope): string {
  if (path === '') return '';
  return resolvePath(path, scope, false)[0]?.text() ?? '';
}

/** The context helpers receive (see helpers/context.ts); methods, not closures, as it is made per call. */
class ScopeContext implements HelperContext {
  constructor(
    private readonly scope: Scope,
    readonly location: string,
    readonly node: Hl7Node | undefined,
  ) {}
  get source(): HelperContext['source'] {
    return this.scope.run.source;
  }
  get sources(): HelperContext['sources'] {
    return this.scope.run.registry.sources;
  }
  read(path: string): string {
    return readText(path, this.scope);
  }
  readAll(path: string): Hl7Node[] {
    return path === '' ? [] : resolvePath(path, this.scope, true);
  }
  variable(name: string): unknown {
    return this.scope.run.lookup(name, this.scope.position);
  }
  warn(text: string): void {
    this.scope.run.warn(text);
  }
  unmapped(where: string): void {
    this.scope.run.unmappedFields.add(where.replace(/\..*$/, ''));
  }
  translate(id: string, code: string): Translation {
    return this.scope.run.registry.conceptMaps.translate(id, code);
  }
  applyDatatype(name: string, target: Hl7Node): unknown {
    return this.scope.run.registry.compiled.datatype(name)?.(target, this.scope);
  }
  dateTime(text: string): string | undefined {
    return toDateTime(text, this.scope.run, this.location);
  }
}

/** The context a helper receives for a value read at `location`. */
export function helperContext(scope: Scope, location: string, node: Hl7Node | undefined): HelperContext {
  return new ScopeContext(scope, location, node);
}

function toDateTime(text: string, run: MappingRun, location: string): string | undefined {
  const converted = run.convertDateTime(text);
  if (converted === undefined) {
    if (text.trim() !== '') run.warn(`${location}: not a valid HL7 date/time; left out`);
    return undefined;
  }
  if (converted.assumedZone && !run.source.timezoneConfigured) {
    run.warn(`${location.replace(/-.*/, '')}: time without a UTC offset; ${run.source.timezone} assumed (set the source's timezone in sources.yaml)`);
  }
  return converted.value;
}
