/**
 * Turning schema-checked files into the mapping model: datatype and segment mappings by name, and message
 * definitions with `extends` resolved (a message inherits its composition's steps, variables, required
 * segments and clears; it can add mappings to a step, add steps, and override variables). One ADT composition
 * serves every ADT trigger, so nothing is copied between message files (STYLE.md §2, "copy-paste roots").
 */
import type { DatatypeMapping, Expr, MessageDefinition, Rule, SegmentMapping, SegmentTarget, Step } from './model.ts';
import { fileError, type MappingFile } from './load-files.ts';

type Raw = Record<string, unknown>;

function list<T>(value: unknown): T[] {
  return Array.isArray(value) ? (value as T[]) : [];
}

/** A datatype mapping; its file must be named `<DATATYPE>.<target>.yaml`. */
export function buildDatatype(file: MappingFile): DatatypeMapping {
  const raw = file.content;
  const datatype = String(raw['datatype']);
  if (!file.stem.startsWith(`${datatype}.`)) throw fileError(file.file, '/datatype', `file name must start with "${datatype}."`);
  return {
    kind: 'datatype',
    name: file.stem,
    file: file.file,
    datatype,
    target: String(raw['target']),
    rules: list<Rule>(raw['rules']),
    ...(raw['resource'] === undefined ? {} : { resource: String(raw['resource']) }),
    ...(raw['id'] === undefined ? {} : { id: raw['id'] as DatatypeMapping['id'] & object }),
    ...(raw['finish'] === undefined ? {} : { finish: raw['finish'] as DatatypeMapping['finish'] & object }),
  };
}

/** A segment mapping; its file must be named `<SEG>.<target>.yaml`. */
export function buildSegment(file: MappingFile): SegmentMapping {
  const raw = file.content;
  const segment = String(raw['segment']);
  if (!file.stem.startsWith(`${segment}.`)) throw fileError(file.file, '/segment', `file name must start with "${segment}."`);
  let target: SegmentTarget;
  const into = raw['into'];
  if (typeof into === 'string') target = { into };
  else if (into !== undefined) target = { adjacent: list<string>((into as Raw)['adjacent']) };
  else {
    target = {
      resource: String(raw['resource']),
      id: raw['id'] as Extract<SegmentTarget, { resource: string }>['id'],
      bindScope: raw['bindScope'] === 'preceding' ? 'preceding' : 'message',
      ...(raw['bind'] === undefined ? {} : { bind: String(raw['bind']) }),
      ...(raw['profile'] === undefined ? {} : { profile: String(raw['profile']) }),
    };
  }
  return {
    kind: 'segment',
    name: file.stem,
    file: file.file,
    segment,
    target,
    rules: list<Rule>(raw['rules']),
    requires: list<string>(raw['requires']),
    consumes: list<number>(raw['consumes']),
  };
}

interface PartialDefinition {
  vars: Record<string, Expr | null>;
  steps: Step[];
  require: string[];
  clear: Record<string, string[]>;
}

function mergeSteps(base: Step[], extra: readonly Raw[]): Step[] {
  const steps = base.map((step) => ({ ...step, use: [...step.use] }));
  for (const raw of extra) {
    const segment = String(raw['segment']);
    const use = list<string>(raw['use']);
    const existing = steps.find((step) => step.segment === segment);
    if (existing === undefined) steps.push({ segment, use, optional: raw['optional'] === true });
    else {
      for (const name of use) if (!existing.use.includes(name)) existing.use.push(name);
      if (raw['optional'] !== undefined) Object.assign(existing, { optional: raw['optional'] === true });
    }
  }
  return steps;
}

/** Resolves `extends` chains of compositions and messages into flat definitions, by `TYPE^TRIGGER`. */
export function buildMessageDefinitions(files: readonly MappingFile[]): Map<string, MessageDefinition> {
  const byName = new Map<string, MappingFile>();
  for (const file of files) {
    const name = String(file.content['name']);
    if (byName.has(name)) throw fileError(file.file, '/name', `name "${name}" is also used by ${byName.get(name)?.file ?? '?'}`);
    byName.set(name, file);
  }
  const resolved = new Map<string, PartialDefinition>();
  const resolve = (name: string, chain: readonly string[]): PartialDefinition => {
    const done = resolved.get(name);
    if (done !== undefined) return done;
    const file = byName.get(name);
    if (file === undefined) throw fileError(byName.get(chain[chain.length - 1] ?? '')?.file ?? 'messages', '/extends', `no composition named "${name}"`);
    if (chain.includes(name)) throw fileError(file.file, '/extends', 'extends forms a cycle');
    const raw = file.content;
    const parentName = raw['extends'];
    const parent: PartialDefinition = typeof parentName === 'string' ? resolve(parentName, [...chain, name]) : { vars: {}, steps: [], require: [], clear: {} };
    const clear: Record<string, string[]> = { ...parent.clear };
    for (const [binding, paths] of Object.entries((raw['clear'] ?? {}) as Record<string, string[]>)) clear[binding] = [...new Set([...(clear[binding] ?? []), ...paths])];
    const definition: PartialDefinition = {
      vars: { ...parent.vars, ...((raw['vars'] ?? {}) as Record<string, Expr | null>) },
      steps: mergeSteps(parent.steps, list<Raw>(raw['steps'])),
      require: [...new Set([...parent.require, ...list<string>(raw['require'])])],
      clear,
    };
    resolved.set(name, definition);
    return definition;
  };
  const definitions = new Map<string, MessageDefinition>();
  for (const [name, file] of byName) {
    const definition = resolve(name, []);
    if (file.content['kind'] !== 'message') continue;
    const messages = list<string>(file.content['messages']);
    for (const message of messages) {
      const other = definitions.get(message);
      if (other !== undefined) throw fileError(file.file, '/messages', `${message} is also defined by ${other.file}`);
      definitions.set(message, { name, file: file.file, messages, ...definition });
    }
  }
  return definitions;
}
