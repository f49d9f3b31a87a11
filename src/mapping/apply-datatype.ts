/**
 * What applying rules shares (the compiled closures are in compile.ts): a rule writes its values at its target
 * path, binds them, and records `""` nulls; a required rule without a value fails with {@link RequiredMissing}.
 * A datatype mapping (mappings/hl7v2/datatypes/) turns one HL7 value into a FHIR datatype, or into a resource
 * of its own (XCN → Practitioner, PL → Location, HD/XON → Organization) whose Reference is the value.
 */
import type { Scope } from './evaluate.ts';
import type { Expr } from './model.ts';

/** Thrown inside the engine when a required rule has no value; the engine decides: reject or skip. */
export class RequiredMissing extends Error {
  constructor(
    readonly location: string,
    readonly label: string | undefined,
  ) {
    super(`${location} is required`);
  }
}

/** A box so that `to: "."` can replace or extend the whole value. */
export interface Box {
  root: unknown;
}

function firstPath(from: Expr['from']): string | undefined {
  return from === undefined ? undefined : typeof from === 'string' ? from : from[0];
}

/** Where a missing required value should have been: the rule's path, or the path its message variable reads. */
export function locationOf(rule: Expr, scope: Scope): string {
  const name = rule.var === undefined ? undefined : typeof rule.var === 'string' ? rule.var : rule.var[0];
  const variable = name === undefined ? undefined : scope.run.definition.vars[name];
  const from = firstPath(rule.from) ?? firstPath(variable?.from);
  if (from === undefined) return scope.location;
  return from.includes('-') ? from.replace(/\..*$/, '') : `${scope.location.replace(/-.*/, '')}-${from.split('.')[0] ?? ''}`;
}
