/**
 * A fast evaluator for the search expressions that are plain member navigation (`Encounter.subject`,
 * `Patient.name.given`, `Observation.value.ofType(Quantity)`), which are 9 in 10 of the R4 definitions.
 * The walk is planned once from the FHIRPath engine's own R4 model (element types, choice types, inherited
 * and re-used elements) and gives the same values as the engine; `test/store/member-path.test.ts` checks that
 * on every corpus resource. Anything else (where, resolve, as, functions) is left to the engine: `undefined`.
 */
import r4Model from 'fhirpath/fhir-context/r4/index.js';
import type { CompiledPath } from './search-parameters.ts';

interface Model {
  choiceTypePaths: Record<string, string[]>;
  pathsDefinedElsewhere: Record<string, string>;
  type2Parent: Record<string, string>;
  path2Type: Record<string, string>;
}

const model = r4Model as unknown as Model;
const MEMBER_PATH = /^([A-Z][A-Za-z]*)((?:\.[a-z][A-Za-z0-9]*)+)(?:\.ofType\(([A-Za-z]+)\))?$/;
/** Element types that continue the enclosing path (backbone elements) rather than naming a datatype. */
const BACKBONE = new Set(['BackboneElement', 'Element']);

/** For each step, the JSON keys to read (several for a choice element). */
type Plan = string[][];

/**
 * Compiles `expression` (a union of parts, already specific to one resource type) when every part is
 * member navigation the model resolves; otherwise undefined.
 */
export function compileMemberPath(expression: string): CompiledPath | undefined {
  const plans: Plan[] = [];
  for (const part of expression.split(' | ')) {
    const plan = planPart(part.trim());
    if (!plan) return undefined;
    plans.push(plan);
  }
  if (plans.length === 1) {
    const [plan] = plans as [Plan];
    return (resource: unknown) => {
      const out: unknown[] = [];
      walk(resource, plan, 0, out);
      return out;
    };
  }
  // A union (`a | b`) removes duplicates, as FHIRPath's `|` does.
  return (resource: unknown) => {
    const out: unknown[] = [];
    for (const plan of plans) walk(resource, plan, 0, out);
    const seen = new Set<string>();
    return out.filter((value) => {
      const key = `${typeof value}:${JSON.stringify(value)}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  };
}

function planPart(part: string): Plan | undefined {
  const match = MEMBER_PATH.exec(part);
  if (!match) return undefined;
  const [, root, members, ofType] = match as unknown as [string, string, string, string | undefined];
  const segments = members.slice(1).split('.');
  const plan: Plan = [];
  let typePath = root;
  for (const [i, segment] of segments.entries()) {
    const last = i === segments.length - 1;
    const element = resolveElement(typePath, segment);
    if (!element) return undefined;
    const choices = model.choiceTypePaths[element];
    if (choices) {
      // A choice element ends the path: its value is whichever `segment<Type>` key is present.
      if (!last) return undefined;
      const allowed = ofType ? choices.filter((type) => type.toLowerCase() === ofType.toLowerCase()) : choices;
      if (allowed.length === 0) return undefined;
      plan.push(allowed.map((type) => `${segment}${type.charAt(0).toUpperCase()}${type.slice(1)}`));
      return plan;
    }
    if (ofType && last) return undefined;
    plan.push([segment]);
    const type = model.path2Type[element];
    if (!type) return undefined;
    typePath = model.pathsDefinedElsewhere[element] ?? (BACKBONE.has(type) ? element : type);
  }
  return plan;
}

/** The model path of `segment` on `typePath`, looking through the type's ancestors for inherited elements. */
function resolveElement(typePath: string, segment: string): string | undefined {
  for (let current: string | undefined = typePath; current; current = current.includes('.') ? undefined : model.type2Parent[current]) {
    const path = `${current}.${segment}`;
    if (model.path2Type[path] || model.choiceTypePaths[path]) return path;
  }
  return undefined;
}

function walk(node: unknown, plan: Plan, step: number, out: unknown[]): void {
  if (Array.isArray(node)) {
    for (const item of node) walk(item, plan, step, out);
    return;
  }
  if (step === plan.length) {
    if (node !== undefined && node !== null) out.push(node);
    return;
  }
  if (typeof node !== 'object' || node === null) return;
  for (const key of plan[step] as string[]) {
    const child = (node as Record<string, unknown>)[key];
    if (child !== undefined) walk(child, plan, step + 1, out);
  }
}
