/**
 * Turns ajv errors into OperationOutcome issues: one per problem, with an issue type chosen by the JSON
 * Schema keyword, a FHIRPath `expression`, and diagnostics that name the rule but never the submitted value.
 * https://hl7.org/fhir/R4/valueset-issue-type.html
 */
import type { ErrorObject } from 'ajv';
import type { OperationOutcomeIssue } from 'fhir/r4.js';
import { issue } from '../shared/outcome.ts';
import { type PathSegment, formatExpression, isDisplayableName, splitInstancePath } from './issue-paths.ts';

/** Where the errors were found: the validated document, the expression root and a path prefix. */
export interface IssueContext {
  data: unknown;
  root: string;
  /** Segments that lead from the expression root to `data` (empty for a top-level resource). */
  prefix?: readonly PathSegment[];
  /** Prepended to every diagnostics text (for example the profile that was violated). */
  label?: string;
  /** The rule text of a failing subschema, when the schema carries one (profiles do). */
  describeRule?: (error: ErrorObject) => string | undefined;
}

interface Described {
  code: OperationOutcomeIssue['code'];
  diagnostics: string;
  /** A child element the issue is about (missing or unknown), appended to the path. */
  child?: string;
}

/** Keywords about the value at a path; only the first of them per path is reported (type before pattern). */
const VALUE_KEYWORDS = new Set(['type', 'maxLength', 'minLength', 'pattern', 'enum', 'const', 'format']);

/** Converts ajv errors to issues, dropping repeats (same path, same rule). */
export function convertAjvErrors(errors: readonly ErrorObject[], context: IssueContext): OperationOutcomeIssue[] {
  const issues: OperationOutcomeIssue[] = [];
  const seen = new Set<string>();
  const valueReported = new Set<string>();
  for (const error of errors) {
    if (VALUE_KEYWORDS.has(error.keyword)) {
      if (valueReported.has(error.instancePath)) continue;
      valueReported.add(error.instancePath);
    }
    const described = describeError(error);
    const segments = [...(context.prefix ?? []), ...splitInstancePath(error.instancePath, context.data)];
    if (described.child !== undefined) segments.push(described.child);
    const expression = formatExpression(context.root, segments);
    const rule = context.describeRule?.(error);
    const text = rule ?? described.diagnostics;
    const diagnostics = context.label ? `${context.label}: ${text}` : text;
    const key = `${expression}\u0000${diagnostics}`;
    if (seen.has(key)) continue;
    seen.add(key);
    issues.push(issue('error', described.code, diagnostics, [expression]));
  }
  return issues;
}

/** Issue type and rule text for one ajv error; only schema-derived parameters are used. */
function describeError(error: ErrorObject): Described {
  const params = error.params as Record<string, unknown>;
  const primitive = primitiveOf(error.schemaPath);
  switch (error.keyword) {
    case 'additionalProperties': {
      const name = String(params.additionalProperty);
      if (!isDisplayableName(name)) return { code: 'structure', diagnostics: 'Unknown element (name not shown)' };
      return { code: 'structure', diagnostics: 'Unknown element', child: name };
    }
    case 'required':
      return { code: 'required', diagnostics: 'Missing required element', child: String(params.missingProperty) };
    case 'discriminator':
      if (params.error === 'tag') return { code: 'required', diagnostics: 'Missing resourceType (or not a string)', child: 'resourceType' };
      return { code: 'code-invalid', diagnostics: 'Unknown resource type', child: 'resourceType' };
    case 'type':
      return { code: 'structure', diagnostics: `Wrong type: expected ${primitive ? `a FHIR ${primitive}` : `JSON ${String(params.type)}`}` };
    case 'enum':
      return { code: 'code-invalid', diagnostics: 'Invalid code: not in the allowed value set' };
    case 'const':
      return { code: 'value', diagnostics: 'Value differs from the fixed value required here' };
    case 'pattern':
      return { code: 'value', diagnostics: primitive ? `Invalid ${primitive}: does not match its format` : 'Value does not match the required format' };
    case 'maxLength':
      return { code: 'too-long', diagnostics: `Value is longer than the ${String(params.limit)} characters allowed${primitive ? ` for ${primitive}` : ''}` };
    case 'minItems':
      return { code: 'required', diagnostics: `At least ${String(params.limit)} item(s) required` };
    case 'contains':
      return { code: 'required', diagnostics: 'No item satisfies the required rule' };
    default:
      return { code: 'invariant', diagnostics: `Violates the "${error.keyword}" rule` };
  }
}

/** `#/definitions/date/pattern` → `date`: the FHIR primitive whose rule failed, when the path names one. */
function primitiveOf(schemaPath: string): string | undefined {
  const match = /^#\/definitions\/([a-z][A-Za-z0-9]*)\/[A-Za-z]+$/.exec(schemaPath);
  return match?.[1];
}
