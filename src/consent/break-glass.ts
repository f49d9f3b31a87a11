/**
 * Break-the-glass: an ETREAT request from a client allowed to break the glass, with a reason, overrides
 * consent denials for one patient for a window (default 4 hours). Starting an override always writes a
 * Security Alert AuditEvent (DCM 110127 "Emergency Override Started") and a Communication alerting the
 * patient's registered practice, in the same transaction as the override record.
 * https://hl7.org/fhir/R4/auditevent-example-breakglass-start.json.html, DOMAIN.md §6
 */
import type { AuditEvent, Communication, Patient } from 'fhir/r4.js';
import { DCM_SYSTEM, securityAuditEvent } from '../audit/balp.ts';
import type { Clock } from '../shared/clock.ts';
import type { FhirStore } from '../store/fhir-store.ts';

export interface BreakGlassRequest {
  clientId: string;
  organizationId: string;
  purposeOfUse: string;
  reason: string;
  practitioner: string;
  requestId: string;
  tokenJti: string;
}

export interface BreakGlassRegistry {
  /** Patients (of `patientIds`) with an override in force for this client. */
  active(store: FhirStore, clientId: string, patientIds: readonly string[]): Promise<Set<string>>;
  /** Opens an override for the patient, with its audit event and alert, through `store` (the current transaction's). */
  start(store: FhirStore, request: BreakGlassRequest, patientId: string): Promise<void>;
}

export function createBreakGlassRegistry(clock: Clock, windowMs: number, gateway: { name: string; url: string }): BreakGlassRegistry {
  return {
    async active(store, clientId, patientIds) {
      if (patientIds.length === 0) return new Set();
      const rows = await store.sql.query<{ patient_id: string }>(
        'select distinct patient_id from break_glass_override where client_id = $1 and patient_id = any($2::text[]) and expires_at > $3',
        [clientId, [...patientIds], clock.now().toISOString()],
      );
      return new Set(rows.map((row) => row.patient_id));
    },
    async start(store, request, patientId) {
      const now = clock.now();
      await store.transaction(async (tx) => {
        await tx.sql.query(
          `insert into break_glass_override (client_id, organization_id, patient_id, purpose, reason, practitioner, started_at, expires_at)
           values ($1, $2, $3, $4, $5, $6, $7, $8)`,
          [request.clientId, request.organizationId, patientId, request.purposeOfUse, request.reason, request.practitioner, now.toISOString(), new Date(now.getTime() + windowMs).toISOString()],
        );
        const patient = (await tx.find('Patient', patientId)) as Patient | undefined;
        await tx.createMany([startedEvent(request, patientId, now, gateway), alertFor(request, patient, patientId, now)]);
      });
    },
  };
}

function startedEvent(request: BreakGlassRequest, patientId: string, now: Date, gateway: { name: string; url: string }): AuditEvent {
  return securityAuditEvent({
    subtype: { system: DCM_SYSTEM, code: '110127', display: 'Emergency Override Started' },
    action: 'E',
    outcome: '0',
    outcomeDesc: `Break-the-glass by ${request.practitioner}: ${request.reason.slice(0, 500)}`,
    recorded: now.toISOString(),
    gateway,
    patient: `Patient/${patientId}`,
    actor: { clientId: request.clientId, organizationId: request.organizationId, purposeOfUse: request.purposeOfUse, requestId: request.requestId, tokenJti: request.tokenJti },
  });
}

/** A Communication to the patient's registered practice (and the privacy office) about the override. */
function alertFor(request: BreakGlassRequest, patient: Patient | undefined, patientId: string, now: Date): Communication {
  const practices = (patient?.generalPractitioner ?? []).filter((ref) => ref.reference?.startsWith('Organization/'));
  return {
    resourceType: 'Communication',
    status: 'completed',
    category: [{ coding: [{ system: 'https://carebridge.dev/fhir/CodeSystem/alert', code: 'break-glass', display: 'Break-the-glass alert' }] }],
    priority: 'urgent',
    subject: { reference: `Patient/${patientId}` },
    sent: now.toISOString(),
    sender: { reference: `Organization/${request.organizationId}` },
    recipient: practices.length > 0 ? practices : [{ display: 'Privacy office' }],
    reasonCode: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActReason', code: request.purposeOfUse }] }],
    payload: [{ contentString: `Emergency access to the shared record by ${request.clientId} (${request.practitioner}) overriding the patient's consent. Reason given: ${request.reason.slice(0, 500)}` }],
  };
}
