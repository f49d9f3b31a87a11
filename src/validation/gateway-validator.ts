/**
 * The name the composition root (src/app.ts) builds the validator by; the result satisfies the API's
 * `ResourceValidator` contract and the store's `validate` hook (through `assertValid`).
 * https://hl7.org/fhir/R4/validation.html
 */
import { type Validator, type ValidatorOptions, createValidator } from './validator.ts';

/** Builds the gateway's resource validator (input limits, FHIR R4 schema, profiles); see {@link createValidator}. */
export function createGatewayValidator(options: ValidatorOptions = {}): Validator {
  return createValidator(options);
}
