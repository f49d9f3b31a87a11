/**
 * FHIRPath-style expressions for validation issues: the resource type as root, element names joined by
 * dots and array indices in brackets (`Bundle.entry[3].resource.status`).
 * https://hl7.org/fhir/R4/operationoutcome-definitions.html#OperationOutcome.issue.expression
 *
 * Element names come from the submitted document, so a name that is not shaped like a FHIR element name
 * (letters, digits, `_`, at most 64 characters) is never echoed: it is rendered as {@link HIDDEN_NAME}.
 */

/** One step of a path: an object key or an array index. */
export type PathSegment = string | number;

/** Root used when the resource type is missing or not a known resource type. */
export const UNKNOWN_ROOT = 'Resource';

/** Stands in for an element name that is not shaped like one. */
export const HIDDEN_NAME = '<invalid-name>';

const ELEMENT_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

/** True when a key looks like a FHIR element name and can be shown in an issue. */
export function isDisplayableName(name: string): boolean {
  return ELEMENT_NAME.test(name);
}

/** The expression root: the resource's type when it is one of `knownTypes`, otherwise {@link UNKNOWN_ROOT}. */
export function readRootName(resource: unknown, knownTypes: ReadonlySet<string>): string {
  if (typeof resource !== 'object' || resource === null || Array.isArray(resource)) return UNKNOWN_ROOT;
  const type = (resource as Record<string, unknown>).resourceType;
  return typeof type === 'string' && knownTypes.has(type) ? type : UNKNOWN_ROOT;
}

/** Builds `Root.a[0].b` from segments; numbers are array indices. */
export function formatExpression(root: string, segments: readonly PathSegment[]): string {
  let expression = root;
  for (const segment of segments) {
    if (typeof segment === 'number') expression += `[${segment}]`;
    else expression += `.${isDisplayableName(segment) ? segment : HIDDEN_NAME}`;
  }
  return expression;
}

/**
 * Splits an ajv `instancePath` (a JSON Pointer, RFC 6901) into segments, walking `data` alongside so that
 * a segment is an index exactly when the value it steps into is an array.
 */
export function splitInstancePath(pointer: string, data: unknown): PathSegment[] {
  if (pointer === '') return [];
  const segments: PathSegment[] = [];
  let current: unknown = data;
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(current) && /^(0|[1-9][0-9]*)$/.test(key)) {
      const index = Number(key);
      segments.push(index);
      current = current[index];
    } else {
      segments.push(key);
      current = typeof current === 'object' && current !== null ? (current as Record<string, unknown>)[key] : undefined;
    }
  }
  return segments;
}
