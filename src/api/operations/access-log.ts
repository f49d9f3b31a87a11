/**
 * `GET Patient/{id}/$access-log`: the patient's right to know — who accessed the record, when, for what
 * purpose, and what was withheld — as the AuditEvents that name the patient, newest first, paged.
 * Open to clients with the audit scope and to the patient's own practice. DOMAIN.md §6.
 */
import type { Patient } from 'fhir/r4.js';
import { allows } from '../../auth/scopes.ts';
import { isPatientsPractice } from '../../consent/consent-writes.ts';
import { GatewayError } from '../../shared/errors.ts';
import { pageLinks, searchBundle } from '../bundle.ts';
import { idOf, queryValue } from '../request.ts';
import type { Handler } from '../types.ts';

export const accessLogOperation: Handler = async (request, deps) => {
  const patientId = idOf(request);
  const patient = (await deps.store.read('Patient', patientId)) as Patient;
  const access = request.context.access;
  const auditor = access ? allows(access.scopes, 'AuditEvent', 'r') || allows(access.scopes, 'AuditEvent', 's') : false;
  if (!access || !(auditor || isPatientsPractice(patient, access.organizationId))) {
    throw new GatewayError('AUT-ACCESS-LOG', 'forbidden', "The access log is open to auditors and the patient's registered practice");
  }
  let count = deps.config.defaultPageSize;
  const requested = queryValue(request, '_count');
  if (requested !== undefined) {
    if (!/^\d{1,6}$/.test(requested)) throw new GatewayError('API-BAD-PARAM', 'invalid', '_count must be a non-negative integer');
    count = Math.min(Number(requested), deps.config.maxPageSize);
  }
  const cursor = queryValue(request, '_cursor');
  const offset = cursor === undefined ? 0 : deps.cursors.open(cursor, request.query, request.context.principal);
  const result = await deps.store.search({
    resourceType: 'AuditEvent',
    filters: [{ code: 'entity', type: 'reference', values: [`Patient/${patientId}`] }],
    sort: [{ code: 'date', type: 'date', descending: true }],
    count,
    offset,
    include: [],
    revinclude: [],
    total: 'none',
  });
  const endpoint = `${deps.fhirBase}/Patient/${patientId}/$access-log`;
  const links = pageLinks({ endpoint, query: request.query, offset, count, hasMore: result.hasMore }, deps, request.context);
  return { status: 200, body: searchBundle(result.entries, links, deps) };
};
