/**
 * AuditEvents of the notification stage, BALP-style (IHE Basic Audit Log Patterns, RELIABILITY.md §2.2): every
 * delivery attempt of an event (DICOM 110106 Export, action E, outcome 0 delivered / 4 failed and retried /
 * 8 given up), every suppression (nothing sent: consent or authorization withheld it; outcome 4 with the
 * reason) and every handshake. Entities: the Subscription, the patient, the focus resource and the event
 * number. The agents name the subscribing client and its organization (information recipient) with the
 * recorded purpose of use. SPECS.md pain point 5: failed deliveries are audited too.
 */
import type { AuditEvent, AuditEventEntity } from 'fhir/r4.js';
import { type AuditOutcome, DCM_SYSTEM, ENTITY_ROLE, ENTITY_TYPE, securityAuditEvent } from '../audit/balp.ts';
import { CAREBRIDGE_URL } from './constants.ts';

export type NotifyAuditKind = 'delivery' | 'suppression' | 'handshake' | 'dead-letter';

export interface NotifyAuditInput {
  kind: NotifyAuditKind;
  outcome: AuditOutcome;
  outcomeDesc?: string;
  recorded: string;
  gateway: { name: string; url: string };
  clientId: string;
  organizationId?: string;
  purposeOfUse?: string;
  subscriptionId: string;
  patientId?: string;
  focus?: string;
  eventNumber?: number;
}

const DISPLAY: Record<NotifyAuditKind, string> = {
  delivery: 'Notification delivery',
  suppression: 'Notification withheld',
  handshake: 'Subscription handshake',
  'dead-letter': 'Notification dead-lettered',
};

export function notifyAuditEvent(input: NotifyAuditInput): AuditEvent {
  const entities: AuditEventEntity[] = [
    {
      what: { reference: `Subscription/${input.subscriptionId}` },
      type: ENTITY_TYPE.systemObject,
      role: ENTITY_ROLE.securityResource,
      ...(input.eventNumber !== undefined ? { detail: [{ type: 'event-number', valueString: String(input.eventNumber) }] } : {}),
    },
  ];
  if (input.focus) {
    entities.push({
      what: { reference: input.focus },
      type: ENTITY_TYPE.systemObject,
      role: ENTITY_ROLE.domainResource,
    });
  }
  return securityAuditEvent({
    type: { system: DCM_SYSTEM, code: '110106', display: 'Export' },
    subtype: { system: CAREBRIDGE_URL.auditSubtype, code: input.kind, display: DISPLAY[input.kind] },
    action: 'E',
    outcome: input.outcome,
    ...(input.outcomeDesc ? { outcomeDesc: input.outcomeDesc } : {}),
    recorded: input.recorded,
    gateway: input.gateway,
    actor: {
      clientId: input.clientId,
      ...(input.organizationId ? { organizationId: input.organizationId } : {}),
      ...(input.purposeOfUse ? { purposeOfUse: input.purposeOfUse } : {}),
    },
    ...(input.patientId ? { patient: `Patient/${input.patientId}` } : {}),
    entities,
  });
}
