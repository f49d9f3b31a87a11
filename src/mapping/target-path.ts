/**
 * Writing structured values into the output at a target path, and tidying the result. Paths name FHIR
 * elements: `gender`, `name[]` (append, skipping an equal item), `coding[0].code` (index), `period.start`,
 * `.` (the whole value). The engine builds objects, never JSON text (STYLE.md §2).
 */
import { GatewayError } from '../shared/errors.ts';
import { jsonEqual } from '../shared/json.ts';

/** One step of a target path. */
export interface TargetStep {
  readonly name: string;
  /** `append` for `[]`, a number for `[n]`, undefined for a plain element. */
  readonly index: 'append' | number | undefined;
}

const STEP = /^([A-Za-z][A-Za-z0-9_]*)(?:\[(\d*)\])?$/;

/**
 * Parses a target path; `.` gives an empty list (the whole value).
 * @throws GatewayError `MAP-TARGET` (fault) for a malformed path in a mapping file
 */
export function parseTargetPath(text: string): TargetStep[] {
  if (text === '.') return [];
  return text.split('.').map((part) => {
    const match = STEP.exec(part);
    if (match === null) throw new GatewayError('MAP-TARGET', 'fault', `Invalid target path "${text}"`);
    const [, name = '', index] = match;
    return { name, index: index === undefined ? undefined : index === '' ? 'append' : Number(index) };
  });
}

type Obj = Record<string, unknown>;

function isObject(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function childObject(parent: Obj, step: TargetStep): Obj {
  if (step.index === undefined) {
    const existing = parent[step.name];
    if (isObject(existing)) return existing;
    const created: Obj = {};
    parent[step.name] = created;
    return created;
  }
  const list = Array.isArray(parent[step.name]) ? (parent[step.name] as unknown[]) : [];
  parent[step.name] = list;
  const at = step.index === 'append' ? list.length : step.index;
  const existing = list[at];
  if (isObject(existing)) return existing;
  const created: Obj = {};
  while (list.length < at) list.push({});
  list[at] = created;
  return created;
}

/**
 * Writes `value` at `steps` under `root` (creating objects on the way). A plain step overwrites, `[]`
 * appends unless an equal item is already there, `[n]` sets that item.
 */
export function writeTarget(root: Obj, steps: readonly TargetStep[], value: unknown): void {
  if (steps.length === 0) return;
  let parent = root;
  for (let i = 0; i < steps.length - 1; i += 1) parent = childObject(parent, steps[i] as TargetStep);
  const last = steps[steps.length - 1] as TargetStep;
  if (last.index === undefined) {
    parent[last.name] = value;
    return;
  }
  const list = Array.isArray(parent[last.name]) ? (parent[last.name] as unknown[]) : [];
  parent[last.name] = list;
  if (last.index === 'append') {
    // Equal structured items (identifiers, telecoms) are kept once; repeated strings (given names) are kept.
    if (!isObject(value) || !list.some((item) => jsonEqual(item, value))) list.push(value);
  } else {
    while (list.length < last.index) list.push({});
    list[last.index] = value;
  }
}

/** Removes a dotted sub-element (`period.end`); true when something was there. */
export function removePath(root: Obj, dotted: string): boolean {
  const parts = dotted.split('.');
  let parent: unknown = root;
  for (const part of parts.slice(0, -1)) {
    parent = isObject(parent) ? parent[part] : undefined;
  }
  const last = parts[parts.length - 1] ?? '';
  if (!isObject(parent) || !(last in parent)) return false;
  delete parent[last];
  return true;
}

/**
 * Drops empty strings, empty arrays, empty objects and undefined, deeply; returns undefined if nothing is left.
 * A value with nothing to drop is returned as it is (no copy).
 */
export function prune(value: unknown): unknown {
  if (value === undefined || value === null || value === '') return undefined;
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i += 1) {
      const item: unknown = value[i];
      const kept = prune(item);
      if ((kept !== item || kept === undefined) && out === undefined) out = value.slice(0, i);
      if (out !== undefined && kept !== undefined) out.push(kept);
    }
    const result = out ?? value;
    return result.length === 0 ? undefined : result;
  }
  if (isObject(value)) {
    let out: Obj | undefined;
    let size = 0;
    for (const key in value) {
      const child = value[key];
      const kept = prune(child);
      if ((kept !== child || kept === undefined) && out === undefined) {
        out = {};
        for (const done in value) {
          if (done === key) break;
          out[done] = value[done];
        }
      }
      if (kept !== undefined) {
        size += 1;
        if (out !== undefined) out[key] = kept;
      }
    }
    if (size === 0) return undefined;
    return out ?? value;
  }
  return value;
}

/**
 * Merges `extra` into `base`: objects deeply, arrays as a union (equal items once). For scalars the first value
 * wins (`laterWins` false: the same resource made twice) or the later one does (a segment adding to a resource).
 */
export function mergeInto(base: Obj, extra: Obj, laterWins: boolean): void {
  for (const [key, value] of Object.entries(extra)) {
    const current = base[key];
    if (current === undefined) base[key] = value;
    else if (Array.isArray(current) && Array.isArray(value)) {
      for (const item of value) if (!current.some((existing) => jsonEqual(existing, item))) current.push(item);
    } else if (isObject(current) && isObject(value)) mergeInto(current, value, laterWins);
    else if (laterWins) base[key] = value;
  }
}
