/**
 * What every write records, inside the writing transaction: a Provenance naming who wrote (client and
 * Organization), when and what activity, over the resources the transaction changed, one per patient (a
 * raw-message Binary counts with its security context's patient); and BALP AuditEvents (Create/Update/Delete),
 * one per patient touched. https://hl7.org/fhir/R4/provenance.html
 */
import type { AuditEvent, Binary, Provenance, Reference } from 'fhir/r4.js';
import type { Clock } from '../shared/clock.ts';
import type { ResourceChange, WriteActor, WriteListener } from '../store/fhir-store.ts';
import { patientsOf } from '../store/indexer.ts';
import { parseReference } from '../store/references.ts';
import type { SearchParamRegistry } from '../store/search-parameters.ts';
import { type AuditAction, CLIENT_ID_SYSTEM, restAuditEvent } from './balp.ts';

/** Resources that record writes rather than being clinical writes themselves. */
const UNRECORDED = new Set(['Provenance', 'AuditEvent']);

const ACTIVITY: Record<string, { code: string; display: string; action: AuditAction; interaction: string }> = {
  POST: { code: 'CREATE', display: 'create', action: 'C', interaction: 'create' },
  PUT: { code: 'UPDATE', display: 'revise', action: 'U', interaction: 'update' },
  PATCH: { code: 'UPDATE', display: 'revise', action: 'U', interaction: 'patch' },
  DELETE: { code: 'DELETE', display: 'delete', action: 'D', interaction: 'delete' },
};

export interface WriteRecordOptions {
  clock: Clock;
  registry: SearchParamRegistry;
  baseUrl: string;
  gateway: { name: string; url: string };
}

export function createWriteRecorder(options: WriteRecordOptions): WriteListener {
  return {
    async beforeCommit(_tx, changes, store, actor) {
      const recorded = changes.filter((change) => !UNRECORDED.has(change.resourceType));
      if (recorded.length === 0) return;
      const now = options.clock.now().toISOString();
      const patients = patientsByChange(recorded, options);
      const provenances = byPatient(recorded, patients).flatMap((group) => provenanceFor(group, actor, now));
      const audits = auditEventsFor(recorded, patients, actor, now, options);
      await store.createMany([...provenances, ...audits]);
    },
  };
}

/**
 * The patients each change belongs to: its Patient compartment, and for a Binary the patient of its security
 * context (the raw HL7 message of a patient's data belongs with that data; the compartment definition does
 * not reach Binary).
 */
function patientsByChange(changes: readonly ResourceChange[], options: WriteRecordOptions): Map<ResourceChange, string[]> {
  const patients = new Map<ResourceChange, string[]>();
  const byKey = new Map<string, string[]>();
  for (const change of changes) {
    const resource = change.current ?? change.previous;
    const found = resource ? patientsOf(resource, options.registry, options.baseUrl) : [];
    patients.set(change, found);
    byKey.set(`${change.resourceType}/${change.id}`, found);
  }
  for (const change of changes) {
    const binary = (change.current ?? change.previous) as Binary | undefined;
    const context = binary?.resourceType === 'Binary' ? binary.securityContext?.reference : undefined;
    const local = context ? parseReference(context, options.baseUrl).local : undefined;
    if (!local) continue;
    patients.set(change, local.type === 'Patient' ? [local.id] : [...(byKey.get(`${local.type}/${local.id}`) ?? [])]);
  }
  return patients;
}

/** Changes grouped by the patient they belong to, so no record names another patient's resources. */
function byPatient(changes: readonly ResourceChange[], patients: Map<ResourceChange, string[]>): ResourceChange[][] {
  const groups = new Map<string, ResourceChange[]>();
  for (const change of changes) {
    const key = [...(patients.get(change) ?? [])].sort().join(',');
    groups.set(key, [...(groups.get(key) ?? []), change]);
  }
  return [...groups.values()];
}

function provenanceFor(changes: readonly ResourceChange[], actor: WriteActor | undefined, recorded: string): Provenance[] {
  const byActivity = new Map<string, ResourceChange[]>();
  for (const change of changes.filter((c) => c.method !== 'DELETE')) {
    const code = ACTIVITY[change.method]?.code ?? 'UPDATE';
    byActivity.set(code, [...(byActivity.get(code) ?? []), change]);
  }
  return [...byActivity].map(([code, group]): Provenance => {
    const provenance: Provenance = {
      resourceType: 'Provenance',
      target: group.map((c) => ({ reference: `${c.resourceType}/${c.id}/_history/${c.versionId}` })),
      recorded,
      activity: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-DataOperation', code: code }] },
      agent: agentsOf(actor),
    };
    if (actor?.sourceEntity) provenance.entity = [{ role: 'source', what: actor.sourceEntity }];
    return provenance;
  });
}

function agentsOf(actor: WriteActor | undefined): Provenance['agent'] {
  const author = { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/provenance-participant-type', code: 'author' }] };
  const device = { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/provenance-participant-type', code: 'performer' }] };
  const client: Reference = actor?.clientId
    ? { identifier: { system: CLIENT_ID_SYSTEM, value: actor.clientId }, display: actor.clientId }
    : { display: `carebridge ${actor?.channel ?? 'system'}` };
  if (!actor?.organizationId) return [{ type: device, who: client }];
  return [
    { type: author, who: { reference: `Organization/${actor.organizationId}` } },
    { type: device, who: client, onBehalfOf: { reference: `Organization/${actor.organizationId}` } },
  ];
}

function auditEventsFor(changes: readonly ResourceChange[], byChange: Map<ResourceChange, string[]>, actor: WriteActor | undefined, recorded: string, options: WriteRecordOptions): AuditEvent[] {
  const groups = new Map<string, { method: string; patient?: string; resources: string[] }>();
  for (const change of changes) {
    const patients = byChange.get(change) ?? [];
    for (const patient of patients.length > 0 ? patients : [undefined]) {
      const key = `${change.method}|${patient ?? ''}`;
      const group = groups.get(key) ?? (patient ? { method: change.method, patient, resources: [] } : { method: change.method, resources: [] });
      group.resources.push(`${change.resourceType}/${change.id}/_history/${change.versionId}`);
      groups.set(key, group);
    }
  }
  return [...groups.values()].map((group) => {
    const activity = ACTIVITY[group.method] ?? ACTIVITY.PUT;
    return restAuditEvent({
      actor: {
        ...(actor?.clientId ? { clientId: actor.clientId } : {}),
        ...(actor?.organizationId ? { organizationId: actor.organizationId } : {}),
        ...(actor?.purposeOfUse ? { purposeOfUse: actor.purposeOfUse } : {}),
        ...(actor?.requestId ? { requestId: actor.requestId } : {}),
        ...(actor?.address ? { address: actor.address } : {}),
      },
      interaction: actor?.channel === 'rest' ? (actor.activity === 'transaction' || actor.activity === 'batch' ? actor.activity : activity?.interaction ?? 'update') : activity?.interaction ?? 'update',
      action: activity?.action ?? 'U',
      outcome: '0',
      recorded,
      gateway: options.gateway,
      ...(group.patient ? { patient: `Patient/${group.patient}` } : {}),
      resources: group.resources,
    });
  });
}
