/** delete and conditional delete. https://hl7.org/fhir/R4/http.html#delete */
import { informationOutcome } from '../../shared/outcome.ts';
import { findByCondition } from '../conditional.ts';
import { idOf, resourceTypeOf, versionFromETag } from '../request.ts';
import type { Handler } from '../types.ts';
import { multipleMatches } from './create.ts';

export const deleteInteraction: Handler = async (request, deps) => {
  const ifMatch = versionFromETag(request.headers['if-match']);
  await deps.store.delete(resourceTypeOf(request, deps), idOf(request), ifMatch === undefined ? {} : { ifMatch });
  return { status: 200, body: informationOutcome('Deleted') };
};

/** `DELETE /Patient?identifier=…`: deletes the single match; several matches → 412. */
export const conditionalDeleteInteraction: Handler = async (request, deps) => {
  const type = resourceTypeOf(request, deps);
  const criteria = new URLSearchParams(request.query).toString();
  await deps.store.transaction(async (store) => {
    await store.lock(`update:${type}?${criteria}`);
    const matches = await findByCondition(type, criteria, { ...deps, store });
    if (matches.length > 1) throw multipleMatches();
    const match = matches[0];
    if (match?.id) await store.delete(type, match.id);
  });
  return { status: 200, body: informationOutcome('Deleted') };
};
