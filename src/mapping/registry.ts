/**
 * The mapping registry: every file under mappings/ loaded once, checked against mappings/mapping.schema.json
 * and then against each other (names used by `as`, `use`, `fn`, `map`, `extends`, variables, paths), so a
 * mistake stops the gateway at start with the file and place rather than surfacing on a live message.
 */
import type { ConceptMap } from 'fhir/r4.js';
import { buildDatatype, buildMessageDefinitions, buildSegment } from './build-definitions.ts';
import { compileMappings, type CompiledMappings } from './compile.ts';
import { createConceptMapIndex, type ConceptMapIndex } from './concept-maps.ts';
import { HELPERS } from './helpers/index.ts';
import { isIdPrefix } from './ids.ts';
import { fileError, readMappingFiles, type MappingFile } from './load-files.ts';
import { parseMappingPath, type MappingPath } from './hl7-node.ts';
import type { DatatypeMapping, Expr, MessageDefinition, Rule, SegmentMapping } from './model.ts';
import type { SourcesFile } from './sources.ts';
import { parseTargetPath, type TargetStep } from './target-path.ts';
import { templateVariables } from './template.ts';
import { computeConsumption, exprPaths as paths, type Consumption } from './consumption.ts';

export type { Consumption } from './consumption.ts';

export interface Registry {
  readonly datatypes: ReadonlyMap<string, DatatypeMapping>;
  readonly segments: ReadonlyMap<string, SegmentMapping>;
  /** By `TYPE^TRIGGER`. */
  readonly definitions: ReadonlyMap<string, MessageDefinition>;
  readonly consumption: ReadonlyMap<string, Consumption>;
  readonly conceptMaps: ConceptMapIndex;
  readonly sources: SourcesFile;
  /** Every file read, relative to the mappings folder. */
  readonly files: readonly string[];
  /** Every HL7 path and target path of the files, parsed once at load (the engine's hot path reads these). */
  readonly paths: ReadonlyMap<string, MappingPath>;
  readonly targets: ReadonlyMap<string, readonly TargetStep[]>;
  /** The rules, datatype mappings, ids and message variables compiled into closures (compile.ts). */
  readonly compiled: CompiledMappings;
}

/** Variables every message has besides bindings and message variables. */
export const BUILT_IN_VARIABLES = ['sourceFacility', 'sourceName', 'sourceIdentifier', 'messageType', 'trigger'] as const;

function variablesOf(expr: Expr): string[] {
  const vars = expr.var === undefined ? [] : typeof expr.var === 'string' ? [expr.var] : [...expr.var];
  const inTemplates = [expr.value, expr.default].flatMap((t) => (t === undefined ? [] : templateVariables(t)));
  return [...vars, ...inTemplates];
}

interface CheckContext {
  readonly datatypes: ReadonlyMap<string, DatatypeMapping>;
  readonly conceptMaps: ConceptMapIndex;
  readonly variables: ReadonlySet<string>;
  readonly paths: Map<string, MappingPath>;
  readonly targets: Map<string, readonly TargetStep[]>;
}

function checkExpr(expr: Expr & { to?: string }, file: string, where: string, ctx: CheckContext, relativeAllowed: boolean, absoluteAllowed: boolean): void {
  const fail = (problem: string): never => {
    throw fileError(file, where, problem);
  };
  for (const p of paths(expr)) {
    const parsed = parseMappingPath(p);
    ctx.paths.set(p, parsed);
    if (parsed.segment === undefined && !relativeAllowed) fail(`path "${p}" must be absolute (SEG-n)`);
    if (parsed.segment !== undefined && !absoluteAllowed) fail(`path "${p}" must be relative to the datatype`);
  }
  if (expr.as !== undefined && !ctx.datatypes.has(expr.as)) fail(`no datatype mapping "${expr.as}"`);
  if (expr.fn !== undefined && HELPERS[expr.fn] === undefined) fail(`no helper function "${expr.fn}"`);
  if (expr.map !== undefined && !ctx.conceptMaps.has(expr.map)) fail(`no ConceptMap "${expr.map}" in codes/`);
  for (const name of variablesOf(expr)) if (!ctx.variables.has(name)) fail(`unknown variable "${name}"`);
  if (expr.to !== undefined) ctx.targets.set(expr.to, parseTargetPath(expr.to));
}

function checkMappings(datatypes: Map<string, DatatypeMapping>, segments: Map<string, SegmentMapping>, ctx: CheckContext): void {
  for (const mapping of datatypes.values()) {
    mapping.rules.forEach((rule, i) => checkExpr(rule, mapping.file, `/rules/${i}`, ctx, true, false));
    mapping.id?.key?.forEach((expr, i) => checkExpr(expr, mapping.file, `/id/key/${i}`, ctx, true, false));
    if (mapping.id?.fn !== undefined && HELPERS[mapping.id.fn] === undefined) throw fileError(mapping.file, '/id/fn', `no helper function "${mapping.id.fn}"`);
    if (mapping.finish !== undefined && HELPERS[mapping.finish.fn] === undefined) throw fileError(mapping.file, '/finish/fn', `no helper function "${mapping.finish.fn}"`);
    if (mapping.id !== undefined && !isIdPrefix(mapping.id.prefix)) throw fileError(mapping.file, '/id/prefix', 'invalid prefix');
  }
  for (const mapping of segments.values()) {
    mapping.rules.forEach((rule, i) => checkExpr(rule, mapping.file, `/rules/${i}`, ctx, true, true));
    if ('resource' in mapping.target) {
      const id = mapping.target.id;
      id.key?.forEach((expr, i) => checkExpr(expr, mapping.file, `/id/key/${i}`, ctx, true, true));
      if (id.fn !== undefined && HELPERS[id.fn] === undefined) throw fileError(mapping.file, '/id/fn', `no helper function "${id.fn}"`);
    }
    for (const name of mapping.requires) if (!ctx.variables.has(name)) throw fileError(mapping.file, '/requires', `unknown variable "${name}"`);
  }
}

function knownVariables(datatypes: Iterable<DatatypeMapping>, segments: Iterable<SegmentMapping>, definitions: Iterable<MessageDefinition>): Set<string> {
  const names = new Set<string>(BUILT_IN_VARIABLES);
  const addRules = (rules: readonly Rule[]): void => {
    for (const rule of rules) if (rule.bind !== undefined) names.add(rule.bind);
  };
  for (const mapping of datatypes) addRules(mapping.rules);
  for (const mapping of segments) {
    addRules(mapping.rules);
    if ('resource' in mapping.target && mapping.target.bind !== undefined) {
      names.add(mapping.target.bind);
      names.add(`${mapping.target.bind}Id`);
    }
  }
  for (const definition of definitions) for (const name of Object.keys(definition.vars)) names.add(name);
  return names;
}

function checkDefinition(definition: MessageDefinition, segments: ReadonlyMap<string, SegmentMapping>, ctx: CheckContext): void {
  for (const [name, expr] of Object.entries(definition.vars)) if (expr !== null) checkExpr(expr, definition.file, `/vars/${name}`, ctx, false, true);
  definition.steps.forEach((step, i) => {
    for (const name of step.use) {
      const mapping = segments.get(name);
      if (mapping === undefined) throw fileError(definition.file, `/steps/${i}/use`, `no segment mapping "${name}"`);
      if (mapping.segment !== step.segment) throw fileError(definition.file, `/steps/${i}/use`, `"${name}" maps ${mapping.segment}, not ${step.segment}`);
    }
  });
}

/** Builds the registry from already-read files (tests feed broken files through here). */
export function buildRegistry(files: readonly MappingFile[]): Registry {
  const datatypes = new Map<string, DatatypeMapping>();
  const segments = new Map<string, SegmentMapping>();
  const messageFiles: MappingFile[] = [];
  const conceptMaps: ConceptMap[] = [];
  let sources: SourcesFile | undefined;
  for (const file of files) {
    const kind = file.content['kind'];
    if (file.content['resourceType'] === 'ConceptMap') conceptMaps.push(file.content as unknown as ConceptMap);
    else if (kind === 'datatype') datatypes.set(file.stem, buildDatatype(file));
    else if (kind === 'segment') segments.set(file.stem, buildSegment(file));
    else if (kind === 'sources') {
      if (sources !== undefined) throw fileError(file.file, '/kind', 'only one sources file is allowed');
      sources = file.content as unknown as SourcesFile;
    } else messageFiles.push(file);
  }
  if (sources === undefined) throw fileError('hl7v2/sources.yaml', '/', 'the sources file is missing');
  const definitions = buildMessageDefinitions(messageFiles);
  const index = createConceptMapIndex(conceptMaps);
  const ctx: CheckContext = {
    datatypes,
    conceptMaps: index,
    variables: knownVariables(datatypes.values(), segments.values(), definitions.values()),
    paths: new Map(),
    targets: new Map(),
  };
  checkMappings(datatypes, segments, ctx);
  const consumption = new Map<string, Consumption>();
  for (const definition of definitions.values()) {
    checkDefinition(definition, segments, ctx);
    consumption.set(definition.name, computeConsumption(definition, segments));
  }
  const compiled = compileMappings(datatypes, segments, definitions.values());
  return { datatypes, segments, definitions, consumption, conceptMaps: index, sources, files: files.map((f) => f.file), paths: ctx.paths, targets: ctx.targets, compiled };
}

/**
 * Loads and checks every mapping file under `mappingsDir`.
 * @throws GatewayError `MAP-FILE-INVALID` (fault) naming the file and the JSON-schema path of the problem
 */
export function loadRegistry(mappingsDir: string): Registry {
  return buildRegistry(readMappingFiles(mappingsDir));
}
