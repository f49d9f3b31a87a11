/**
 * Content negotiation: the gateway speaks FHIR JSON only. `_format` and `Accept` asking for JSON (or for
 * anything, like a browser) get JSON; asking only for XML or another format is a 406.
 * https://hl7.org/fhir/R4/http.html#mime-type
 */
import { GatewayError } from '../../shared/errors.ts';

export const FHIR_JSON = 'application/fhir+json; charset=utf-8';
const JSON_FORMATS = new Set(['json', 'application/json', 'application/fhir+json', 'application/json+fhir']);

export function checkAcceptable(format: string | undefined, accept: string | undefined): void {
  if (format !== undefined) {
    if (!JSON_FORMATS.has(format.split(';')[0]?.trim().toLowerCase() ?? '')) {
      throw new GatewayError('API-NOT-ACCEPTABLE', 'not-acceptable', 'Only JSON is supported (_format=json)');
    }
    return;
  }
  if (!accept) return;
  const types = accept.split(',').map((part) => part.split(';')[0]?.trim().toLowerCase() ?? '');
  const acceptable = types.some((type) => type === '*/*' || type === 'application/*' || type === 'text/html' || JSON_FORMATS.has(type));
  if (!acceptable) throw new GatewayError('API-NOT-ACCEPTABLE', 'not-acceptable', 'Only application/fhir+json is supported');
}

/** Serialises a body; `_pretty=true` indents. */
export function serialize(body: unknown, pretty: boolean): string {
  if (typeof body === 'string') return pretty ? JSON.stringify(JSON.parse(body), null, 2) : body;
  return pretty ? JSON.stringify(body, null, 2) : JSON.stringify(body);
}
