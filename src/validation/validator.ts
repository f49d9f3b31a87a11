/**
 * The resource validator: input limits, then the HL7 R4 JSON schema (discriminated on resourceType), then
 * our profiles. Every problem becomes one OperationOutcome issue with a FHIRPath expression; texts name the
 * rule, never the submitted value. https://hl7.org/fhir/R4/validation.html , https://hl7.org/fhir/R4/json.html
 *
 * The composition root builds one validator per app with {@link createValidator}; the compiled FHIR schema
 * behind it is shared by the process (see compile-fhir-schema.ts for why that cache is sound).
 */
import type { OperationOutcomeIssue } from 'fhir/r4.js';
import { GatewayError } from '../shared/errors.ts';
import { isRecord } from '../shared/json.ts';
import { issue } from '../shared/outcome.ts';
import { projectPath } from '../shared/paths.ts';
import { convertAjvErrors } from './ajv-issues.ts';
import { applyProfiles } from './apply-profiles.ts';
import { compileFhirSchema } from './compile-fhir-schema.ts';
import { DEFAULT_INPUT_LIMITS, type InputLimits, checkInputLimits } from './input-guard.ts';
import { UNKNOWN_ROOT, readRootName } from './issue-paths.ts';
import { loadProfiles } from './profiles.ts';

/** An OperationOutcome issue (severity, code, diagnostics, expression). */
export type ValidationIssue = OperationOutcomeIssue;

export interface ValidatorOptions {
  /** Overrides of {@link DEFAULT_INPUT_LIMITS}. */
  limits?: Partial<InputLimits>;
  /** Folder of `*.schema.json` profiles; default `profiles/` of the project. */
  profilesDir?: string;
  /** Most issues returned for one resource (default 100); a last issue says how many were left out. */
  maxIssues?: number;
}

export interface ValidateOptions {
  /** Canonical URLs of profiles to apply to the top-level resource, besides those in its meta.profile. */
  profiles?: string[];
}

export interface Validator {
  /** All problems of `resource`; empty when it is valid. */
  validate(resource: unknown, options?: ValidateOptions): ValidationIssue[];
  /** Throws `VAL-INVALID` (422) carrying one issue per problem when `resource` is not valid. */
  assertValid(resource: unknown, options?: ValidateOptions): void;
  /** The loaded profiles, by canonical URL and the resource type each constrains. */
  profiles(): { url: string; type: string }[];
}

const DEFAULT_MAX_ISSUES = 100;

/**
 * Builds a validator: loads and compiles the profiles, and compiles (or reuses) the fast variant of the
 * FHIR schema. The detailed variant is compiled on the first invalid resource.
 */
export function createValidator(options: ValidatorOptions = {}): Validator {
  const limits: InputLimits = { ...DEFAULT_INPUT_LIMITS, ...options.limits };
  const maxIssues = Math.max(1, options.maxIssues ?? DEFAULT_MAX_ISSUES);
  const profiles = loadProfiles(options.profilesDir ?? projectPath('profiles'));
  const fast = compileFhirSchema('fast');

  const validate = (resource: unknown, validateOptions: ValidateOptions = {}): ValidationIssue[] => {
    if (!isRecord(resource)) return [issue('error', 'structure', 'A resource must be a JSON object', [UNKNOWN_ROOT])];
    const root = readRootName(resource, fast.resourceTypes);
    const guarded = checkInputLimits(resource, root, limits, maxIssues);
    if (guarded.length > 0) return guarded;
    const issues = fast.validate(resource) ? [] : explainInvalid(resource, root);
    issues.push(...applyProfiles(resource, root, profiles, validateOptions.profiles ?? []));
    return capIssues(issues, maxIssues);
  };

  return {
    validate,
    assertValid(resource, validateOptions) {
      const issues = validate(resource, validateOptions);
      if (issues.length > 0) throw new GatewayError('VAL-INVALID', 'unprocessable', 'The resource is not valid', { issues });
    },
    profiles: () => profiles.list().map(({ url, type }) => ({ url, type })),
  };
}

/** Runs the all-errors variant on a resource the fast variant rejected. */
function explainInvalid(resource: Record<string, unknown>, root: string): ValidationIssue[] {
  const detailed = compileFhirSchema('detailed');
  detailed.validate(resource);
  const issues = convertAjvErrors(detailed.validate.errors ?? [], { data: resource, root });
  return issues.length > 0 ? issues : [issue('error', 'invalid', 'The resource does not conform to the FHIR R4 schema', [root])];
}

function capIssues(issues: ValidationIssue[], maxIssues: number): ValidationIssue[] {
  if (issues.length <= maxIssues) return issues;
  const kept = issues.slice(0, maxIssues - 1);
  kept.push(issue('error', 'too-costly', `${issues.length - kept.length} further issues were not listed`));
  return kept;
}
