/**
 * BALP AuthZ-Consent AuditEvents: for each patient a request touched, the consent decision — permit
 * (outcome success) or deny (failure, with the reason) — naming the consents applied and the token.
 * https://profiles.ihe.net/ITI/BALP/StructureDefinition-IHE.BasicAudit.AuthZconsent.html
 */
import type { AuditEvent, AuditEventEntity } from 'fhir/r4.js';
import type { ConsentDecisionRecord } from '../consent/enforce.ts';
import { type AuditActor, ENTITY_ROLE, securityAuditEvent } from './balp.ts';

export function consentAuditEvents(
  decisions: readonly ConsentDecisionRecord[],
  actor: AuditActor,
  recorded: string,
  gateway: { name: string; url: string },
): AuditEvent[] {
  const byPatient = new Map<string, ConsentDecisionRecord[]>();
  for (const record of decisions) byPatient.set(record.patientId, [...(byPatient.get(record.patientId) ?? []), record]);
  return [...byPatient].map(([patientId, records]) => {
    const denied = records.filter((r) => r.decision.outcome === 'deny');
    const consentIds = [...new Set(records.flatMap((r) => r.decision.consentIds))];
    const bases = [...new Set(records.map((r) => `${r.decision.outcome}:${r.decision.basis}`))];
    const entities: AuditEventEntity[] = consentIds.map((id) => ({
      what: { reference: `Consent/${id}` },
      type: { system: 'http://hl7.org/fhir/resource-types', code: 'Consent' },
      role: ENTITY_ROLE.securityResource,
    }));
    if (actor.tokenJti) entities.push({ what: { identifier: { value: `urn:ietf:params:oauth:jti:${actor.tokenJti}` } }, description: 'OAuth access token' });
    for (const record of denied.slice(0, 50)) entities.push({ what: { reference: record.resource }, description: 'withheld', role: ENTITY_ROLE.domainResource });
    return securityAuditEvent({
      subtype: { system: 'https://profiles.ihe.net/ITI/BALP/CodeSystem/AuthZsubType', code: 'AuthZ-Consent', display: 'Authorization Decision' },
      action: 'E',
      outcome: denied.length > 0 ? '4' : '0',
      outcomeDesc: `${records.length - denied.length} permitted, ${denied.length} withheld (${bases.join(', ')})`,
      recorded,
      gateway,
      patient: `Patient/${patientId}`,
      entities,
      actor,
    });
  });
}
