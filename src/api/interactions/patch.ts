/** patch with JSON Patch. https://hl7.org/fhir/R4/http.html#patch */
import type { Operation } from 'fast-json-patch';
import { GatewayError } from '../../shared/errors.ts';
import { idOf, resourceTypeOf, returnPreference, versionFromETag } from '../request.ts';
import { writeResponse } from '../response.ts';
import type { Handler } from '../types.ts';

export const patchInteraction: Handler = async (request, deps) => {
  const type = resourceTypeOf(request, deps);
  const id = idOf(request);
  if (!Array.isArray(request.body)) {
    throw new GatewayError('API-BAD-PATCH', 'invalid', 'PATCH needs a JSON Patch document (an array of operations)');
  }
  const ifMatch = versionFromETag(request.headers['if-match']);
  const patched = await deps.store.patch(type, id, request.body as Operation[], ifMatch === undefined ? {} : { ifMatch });
  return writeResponse(patched, 200, returnPreference(request), deps.fhirBase, 'Patched');
};
