/**
 * The audit record of one FHIR request, written before the response leaves: BALP read/query events, one per
 * patient whose data was disclosed (a search over many patients yields one event each), and failure events
 * for refused requests. Successful writes are recorded inside their own transaction by the write recorder.
 */
import type { AuditEvent, Resource } from 'fhir/r4.js';
import type { AccessGrant } from '../auth/access-grant.ts';
import { patientsOf } from '../store/indexer.ts';
import type { SearchParamRegistry } from '../store/search-parameters.ts';
import { type AuditAction, type AuditActor, restAuditEvent } from './balp.ts';

export interface RestAuditInput {
  interaction: string;
  /** HTTP method and path + query as received (recorded base64 for queries). */
  method: string;
  rawQuery: string;
  status: number;
  outcomeDesc?: string;
  access: AccessGrant | undefined;
  requestId: string;
  address?: string;
  disclosed: readonly Resource[];
  withheld: number;
  recorded: string;
  gateway: { name: string; url: string };
  registry: SearchParamRegistry;
  baseUrl: string;
}

const WRITES = new Set(['create', 'update', 'patch', 'delete']);
const READS = new Set(['read', 'vread']);
/** Resources named one by one in an access's AuditEvent (per patient); the rest are counted. */
const MAX_LISTED = 20;

export function restAuditEvents(input: RestAuditInput): AuditEvent[] {
  const success = input.status < 400;
  if (success && WRITES.has(input.interaction)) return [];
  const actor: AuditActor = { requestId: input.requestId };
  if (input.access) {
    actor.clientId = input.access.clientId;
    actor.organizationId = input.access.organizationId;
    actor.purposeOfUse = input.access.purposeOfUse;
    actor.tokenJti = input.access.tokenJti;
  }
  if (input.address) actor.address = input.address;
  const action: AuditAction = READS.has(input.interaction) ? 'R' : input.method === 'POST' && WRITES.has(input.interaction) ? 'C' : WRITES.has(input.interaction) ? (input.interaction === 'delete' ? 'D' : 'U') : 'E';
  const query = action === 'E' ? input.rawQuery : undefined;
  const base = {
    actor,
    interaction: input.interaction,
    action,
    outcome: success ? ('0' as const) : input.status >= 500 ? ('8' as const) : ('4' as const),
    recorded: input.recorded,
    gateway: input.gateway,
    ...(query !== undefined ? { query } : {}),
    ...(input.outcomeDesc ? { outcomeDesc: input.outcomeDesc } : {}),
  };
  const byPatient = new Map<string | undefined, string[]>();
  for (const resource of input.disclosed) {
    const reference = `${resource.resourceType}/${resource.id}${resource.meta?.versionId ? `/_history/${resource.meta.versionId}` : ''}`;
    const patients = patientsOf(resource, input.registry, input.baseUrl);
    for (const patient of patients.length > 0 ? patients : [undefined]) {
      const list = byPatient.get(patient);
      if (list) list.push(reference);
      else byPatient.set(patient, [reference]);
    }
  }
  if (byPatient.size === 0) return [restAuditEvent(base)];
  // A page or $everything can disclose hundreds of resources: the event names the first ones and the count
  // (BALP's query events record the query, not its results), which keeps each access a small record.
  return [...byPatient].map(([patient, resources]) => restAuditEvent({
    ...base,
    ...(patient ? { patient: `Patient/${patient}` } : {}),
    resources: resources.slice(0, MAX_LISTED),
    disclosedCount: resources.length,
  }));
}
