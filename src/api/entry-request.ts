/** Turning a Bundle entry's `request` into an in-process {@link FhirRequest}. https://hl7.org/fhir/R4/bundle.html#transaction */
import type { BundleEntry } from 'fhir/r4.js';
import { GatewayError } from '../shared/errors.ts';
import type { FhirRequest, RequestContext } from './types.ts';

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE']);

export function entryRequest(entry: BundleEntry, index: number, fhirBase: string, context: RequestContext): FhirRequest {
  const request = entry.request;
  if (!request?.method || !METHODS.has(request.method) || !request.url) {
    throw new GatewayError('API-BAD-ENTRY', 'invalid', `Bundle entry ${index} needs request.method and request.url`, {
      issues: [{ severity: 'error', code: 'required', diagnostics: 'request.method and request.url are required', expression: [`Bundle.entry[${index}].request`] }],
    });
  }
  const relative = request.url.startsWith(`${fhirBase}/`) ? request.url.slice(fhirBase.length + 1) : request.url.replace(/^\//, '');
  const [pathPart = '', queryPart = ''] = relative.split('?', 2);
  const headers: Record<string, string | undefined> = {};
  if (request.ifMatch) headers['if-match'] = request.ifMatch;
  if (request.ifNoneMatch) headers['if-none-match'] = request.ifNoneMatch;
  if (request.ifNoneExist) headers['if-none-exist'] = request.ifNoneExist;
  if (request.ifModifiedSince) headers['if-modified-since'] = request.ifModifiedSince;
  const fhirRequest: FhirRequest = {
    method: request.method,
    path: pathPart.split('/').filter(Boolean).map(decodeURIComponent),
    query: [...new URLSearchParams(queryPart)],
    headers,
    context,
  };
  if (entry.resource) fhirRequest.body = entry.resource;
  return fhirRequest;
}

/** `201 Created` style status line for a Bundle entry response. */
export function statusLine(status: number): string {
  return `${status} ${STATUS_TEXT[status] ?? ''}`.trim();
}

const STATUS_TEXT: Record<number, string> = {
  200: 'OK', 201: 'Created', 204: 'No Content', 304: 'Not Modified', 400: 'Bad Request', 401: 'Unauthorized',
  403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed', 409: 'Conflict', 410: 'Gone', 412: 'Precondition Failed',
  413: 'Payload Too Large', 415: 'Unsupported Media Type', 422: 'Unprocessable Entity', 429: 'Too Many Requests',
  500: 'Internal Server Error', 503: 'Service Unavailable',
};
