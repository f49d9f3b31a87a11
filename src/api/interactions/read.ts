/** read and vread. https://hl7.org/fhir/R4/http.html#read, #vread */
import { idOf, resourceTypeOf, versionFromETag } from '../request.ts';
import { versionHeaders } from '../response.ts';
import { applyShape, parseShape } from '../shape.ts';
import type { Handler } from '../types.ts';

export const readResource: Handler = async (request, deps) => {
  const resource = await deps.store.read(resourceTypeOf(request, deps), idOf(request));
  const headers = versionHeaders(resource, deps.fhirBase, false);
  const notChanged = versionFromETag(request.headers['if-none-match']);
  if (notChanged !== undefined && notChanged === resource.meta?.versionId) return { status: 304, headers };
  const since = request.headers['if-modified-since'];
  if (since && resource.meta?.lastUpdated && Date.parse(resource.meta.lastUpdated) <= Date.parse(since) + 999) {
    return { status: 304, headers };
  }
  return { status: 200, headers, body: applyShape(resource, parseShape(request.query), deps.summaryTable) };
};

export const vreadResource: Handler = async (request, deps) => {
  const resource = await deps.store.vread(resourceTypeOf(request, deps), idOf(request), request.path[3] ?? '');
  return { status: 200, headers: versionHeaders(resource, deps.fhirBase, false), body: resource };
};
