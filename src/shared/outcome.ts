/**
 * OperationOutcome builders. https://hl7.org/fhir/R4/operationoutcome.html
 * Outcomes carry a code, a safe message and, where known, the FHIRPath `expression` of the problem.
 */
import type { OperationOutcome, OperationOutcomeIssue } from 'fhir/r4.js';
import { ERROR_TABLE, type GatewayError } from './errors.ts';

const GATEWAY_CODE_SYSTEM = 'https://carebridge.dev/fhir/CodeSystem/error-code';

export function issue(
  severity: OperationOutcomeIssue['severity'],
  code: OperationOutcomeIssue['code'],
  diagnostics: string,
  expression?: string[],
): OperationOutcomeIssue {
  const result: OperationOutcomeIssue = { severity, code, diagnostics };
  if (expression && expression.length > 0) result.expression = expression;
  return result;
}

export function operationOutcome(...issues: OperationOutcomeIssue[]): OperationOutcome {
  return { resourceType: 'OperationOutcome', issue: issues };
}

export function informationOutcome(diagnostics: string): OperationOutcome {
  return operationOutcome(issue('information', 'informational', diagnostics));
}

/** The body every error response carries: one issue for the error itself, then any detail issues. */
export function outcomeFromError(error: GatewayError): OperationOutcome {
  const rule = ERROR_TABLE[error.category];
  const main: OperationOutcomeIssue = {
    severity: rule.status >= 500 ? 'fatal' : 'error',
    code: rule.issueCode,
    details: { coding: [{ system: GATEWAY_CODE_SYSTEM, code: error.code }] },
    diagnostics: error.message,
  };
  return operationOutcome(main, ...error.issues);
}
