/**
 * Request bodies for the FHIR API: read as bytes (with the size cap), decoded as strict UTF-8, and parsed
 * according to the content type. Anything else is a 415; malformed JSON or bytes a 400.
 */
import { GatewayError } from '../../shared/errors.ts';

const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

export function parseBody(bytes: Buffer | undefined, contentType: string | undefined, method: string): unknown {
  if (!bytes || bytes.length === 0) return undefined;
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  let text: string;
  try {
    text = decoder.decode(bytes);
  } catch {
    throw new GatewayError('API-BAD-ENCODING', 'invalid', 'The request body is not valid UTF-8');
  }
  if (type === 'application/x-www-form-urlencoded') return [...new URLSearchParams(text)];
  const jsonTypes = method === 'PATCH' ? ['application/json-patch+json', 'application/json', 'application/fhir+json'] : ['application/fhir+json', 'application/json'];
  if (!jsonTypes.includes(type)) {
    throw new GatewayError('API-MEDIA-TYPE', 'unsupported-media-type', `Content-Type must be ${jsonTypes.join(' or ')}`);
  }
  return parseJson(text);
}

/** JSON.parse with a safe error, refusing numbers JSON cannot represent faithfully (1e400 → Infinity). */
export function parseJson(text: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text, (_key, item: unknown) => {
      if (typeof item === 'number' && !Number.isFinite(item)) throw new RangeError('non-finite number');
      return item;
    });
  } catch {
    throw new GatewayError('API-BAD-JSON', 'invalid', 'The request body is not valid JSON');
  }
  return value;
}
