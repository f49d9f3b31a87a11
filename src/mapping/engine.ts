/**
 * Running a message definition (mappings/hl7v2/messages/) over one message: each step takes every occurrence
 * of its segment, in message order, through its segment mappings. A mapping makes a resource (with a
 * deterministic id), adds to a bound resource (`into: patient`), to the resource of the segment just before
 * (`into: { adjacent: [OBX, …] }`, for NTE; applied in a second pass, once every resource exists), or to the
 * event. Required content that is missing is collected and
 * thrown once as `MAP-REQUIRED-MISSING` (unprocessable → AE); in an optional step it only skips that resource.
 */
import type { OperationOutcomeIssue } from 'fhir/r4.js';
import { GatewayError } from '../shared/errors.ts';
import { RequiredMissing, type Box } from './apply-datatype.ts';
import type { CompiledRule, CompiledSegment } from './compile.ts';
import type { SegmentNode } from './hl7-node.ts';
import type { Rule, SegmentMapping } from './model.ts';
import type { MappingRun, ResourceEntry } from './run.ts';
import type { Scope } from './evaluate.ts';
import { mergeInto, prune, removePath } from './target-path.ts';

function issueFor(location: string, label: string | undefined, trigger: string): OperationOutcomeIssue {
  const what = label === undefined ? location : `${location} (${label})`;
  return { severity: 'error', code: 'required', diagnostics: `${what} is required for ${trigger}`, location: [location] };
}

function firstRequiredLocation(rules: readonly Rule[], segment: string): string {
  const rule = rules.find((r) => r.required === true && r.from !== undefined);
  const from = rule?.from === undefined ? undefined : typeof rule.from === 'string' ? rule.from : rule.from[0];
  if (from === undefined) return segment;
  return from.includes('-') ? from.replace(/\..*$/, '') : `${segment}-${from.split('.')[0] ?? ''}`;
}

/** The resource made from the segment just before `segment` (NTEs in between skipped), if its id is listed. */
function adjacentEntry(run: MappingRun, segment: SegmentNode, ids: readonly string[]): ResourceEntry | undefined {
  const all = run.message.segments();
  for (let i = segment.position - 2; i >= 0; i -= 1) {
    const previous = all[i];
    if (previous === undefined) return undefined;
    if (previous.id === segment.id) continue;
    return ids.includes(previous.id) ? run.resourceAt(previous.position) : undefined;
  }
  return undefined;
}

/** Applies every rule, then throws all required-content failures together. */
function applyAll(rules: readonly CompiledRule[], box: Box, scope: Scope, cleared: Set<string> | undefined): void {
  const missing: RequiredMissing[] = [];
  for (const rule of rules) rule(box, scope, cleared, missing);
  if (missing.length > 0) throw new MissingContent(missing);
}

/** Several required elements missing from one segment occurrence. */
class MissingContent extends Error {
  constructor(readonly missing: readonly RequiredMissing[]) {
    super('required content missing');
  }
}

function makeResource(mapping: SegmentMapping, compiled: CompiledSegment, scope: Scope, target: Extract<SegmentMapping['target'], { resource: string }>): void {
  const box: Box = { root: {} };
  const cleared = new Set<string>();
  applyAll(compiled.rules, box, scope, cleared);
  const body = (prune(box.root) ?? {}) as Record<string, unknown>;
  const id = compiled.id?.(body, scope);
  if (id === undefined) throw new RequiredMissing(firstRequiredLocation(mapping.rules, mapping.segment), 'an identifier for the resource id');
  const resource: Record<string, unknown> = { resourceType: target.resource, id };
  if (target.profile !== undefined) resource['meta'] = { profile: [target.profile] };
  Object.assign(resource, body);
  scope.run.addResource(target.resource, id, resource, cleared, scope.position, true);
  if (target.bind !== undefined) {
    const preceding = target.bindScope === 'preceding';
    scope.run.bind(target.bind, scope.position, { reference: `${target.resource}/${id}` }, preceding);
    scope.run.bind(`${target.bind}Id`, scope.position, id, preceding);
  }
}

function addTo(entry: ResourceEntry, compiled: CompiledSegment, scope: Scope): void {
  const box: Box = { root: {} };
  const cleared = new Set<string>();
  applyAll(compiled.rules, box, scope, cleared);
  const extra = prune(box.root);
  if (extra !== undefined && typeof extra === 'object') mergeInto(entry.body, extra as Record<string, unknown>, true);
  for (const name of cleared) entry.cleared.add(name);
}

/** Applies one segment mapping to one occurrence; false when it did not apply (target missing, skipped). */
function applySegmentMapping(mapping: SegmentMapping, segment: SegmentNode, run: MappingRun, optional: boolean, issues: OperationOutcomeIssue[]): boolean {
  const scope: Scope = { run, segment, node: undefined, position: segment.position, location: segment.id };
  if (mapping.requires.some((name) => run.lookup(name, segment.position) === undefined)) return false;
  const compiled = run.registry.compiled.segment(mapping.name);
  if (compiled === undefined) return false;
  const mark = run.checkpoint();
  try {
    const target = mapping.target;
    if ('resource' in target) makeResource(mapping, compiled, scope, target);
    else if ('adjacent' in target) {
      const entry = adjacentEntry(run, segment, target.adjacent);
      if (entry === undefined) return false;
      addTo(entry, compiled, scope);
    } else if (target.into === 'event') {
      // The event facts are about one message: the first occurrence of each segment (A40 with several pairs).
      if (run.segmentsOf(segment.id)[0] !== segment) return false;
      applyAll(compiled.rules, { root: run.event }, scope, undefined);
    } else {
      const entry = run.resourceOf(run.lookup(target.into, segment.position));
      if (entry === undefined) return false;
      addTo(entry, compiled, scope);
    }
    return true;
  } catch (error) {
    const missing = error instanceof MissingContent ? error.missing : error instanceof RequiredMissing ? [error] : undefined;
    if (missing === undefined) throw error;
    run.rollback(mark);
    const trigger = `${run.message.header.messageCode}^${run.message.header.triggerEvent}`;
    for (const item of missing) {
      if (optional) run.warn(`${item.location}${item.label === undefined ? '' : ` (${item.label})`} is missing; ${segment.id} not mapped by ${mapping.name}`);
      else issues.push(issueFor(item.location, item.label, trigger));
    }
    return false;
  }
}

/**
 * Runs the run's message definition. Fills the run's resources, event and report sinks.
 * @throws GatewayError `MAP-REQUIRED-MISSING` (unprocessable) with one issue per missing element
 */
export function executeDefinition(run: MappingRun): void {
  const definition = run.definition;
  const trigger = `${run.message.header.messageCode}^${run.message.header.triggerEvent}`;
  const issues: OperationOutcomeIssue[] = definition.require
    .filter((id) => run.message.segments(id).length === 0)
    .map((id) => ({ severity: 'error', code: 'required', diagnostics: `A ${id} segment is required for ${trigger}`, location: [id] }));
  if (issues.length === 0) {
    const applied = new Set<number>();
    // Two passes: notes attach to the resource of the segment before them, so every resource is made first.
    for (const pass of ['resources', 'adjacent'] as const) {
      for (const step of definition.steps) {
        for (const segment of run.segmentsOf(step.segment)) {
          for (const name of step.use) {
            const mapping = run.registry.segments.get(name);
            if (mapping === undefined || ('adjacent' in mapping.target) !== (pass === 'adjacent')) continue;
            if (applySegmentMapping(mapping, segment, run, step.optional, issues)) applied.add(segment.position);
          }
        }
      }
    }
    for (const step of definition.steps) for (const segment of run.segmentsOf(step.segment)) if (!applied.has(segment.position)) run.skipped.add(segment.position);
  }
  if (issues.length > 0) {
    const first = issues[0]?.diagnostics ?? 'Required content is missing';
    throw new GatewayError('MAP-REQUIRED-MISSING', 'unprocessable', `Required content is missing: ${first}`, { issues });
  }
  for (const [binding, paths] of Object.entries(definition.clear)) {
    const entry = run.resourceOf(run.lookup(binding, 0));
    if (entry === undefined) continue;
    for (const path of paths) {
      removePath(entry.body, path);
      entry.cleared.add(path);
    }
  }
}
