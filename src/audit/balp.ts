/**
 * AuditEvent shapes of IHE Basic Audit Log Patterns (BALP): RESTful interactions (read, query, create,
 * update, delete) per patient, token issuance, consent decisions and security alerts.
 * https://profiles.ihe.net/ITI/BALP/ (RELIABILITY.md §2.2)
 */
import type { AuditEvent, AuditEventAgent, AuditEventEntity, Coding, Reference } from 'fhir/r4.js';

const DCM = 'http://dicom.nema.org/resources/ontology/DCM';
const BALP = 'https://profiles.ihe.net/ITI/BALP/StructureDefinition';
export const CLIENT_ID_SYSTEM = 'https://carebridge.dev/fhir/id/client-id';

const ENTITY_TYPE_SYSTEM = 'http://terminology.hl7.org/CodeSystem/audit-entity-type';
const OBJECT_ROLE_SYSTEM = 'http://terminology.hl7.org/CodeSystem/object-role';

/** AuditEvent.entity.type codings used by the gateway's events. */
export const ENTITY_TYPE = {
  person: Object.freeze({ system: ENTITY_TYPE_SYSTEM, code: '1', display: 'Person' }),
  systemObject: Object.freeze({ system: ENTITY_TYPE_SYSTEM, code: '2', display: 'System Object' }),
} as const satisfies Record<string, Coding>;

/** AuditEvent.entity.role codings used by the gateway's events. */
export const ENTITY_ROLE = {
  patient: Object.freeze({ system: OBJECT_ROLE_SYSTEM, code: '1', display: 'Patient' }),
  domainResource: Object.freeze({ system: OBJECT_ROLE_SYSTEM, code: '4', display: 'Domain Resource' }),
  securityResource: Object.freeze({ system: OBJECT_ROLE_SYSTEM, code: '13', display: 'Security Resource' }),
  query: Object.freeze({ system: OBJECT_ROLE_SYSTEM, code: '24', display: 'Query' }),
} as const satisfies Record<string, Coding>;

export type AuditAction = 'C' | 'R' | 'U' | 'D' | 'E';
/** 0 success, 4 minor failure, 8 serious failure, 12 major failure. */
export type AuditOutcome = '0' | '4' | '8' | '12';

/** Who did it: the client, its organization and purpose, and the request. */
export interface AuditActor {
  clientId?: string;
  organizationId?: string;
  purposeOfUse?: string;
  address?: string;
  requestId?: string;
  tokenJti?: string;
}

/** What every event of the gateway names: who, what kind of action, how it ended, when, and about whom. */
interface AuditInputBase {
  actor: AuditActor;
  action: AuditAction;
  outcome: AuditOutcome;
  outcomeDesc?: string;
  recorded: string;
  /** The gateway (observer and destination). */
  gateway: { name: string; url: string };
  patient?: string;
}

export interface RestAuditInput extends AuditInputBase {
  /** FHIR restful-interaction code: read, vread, search-type, create, update, patch, delete, history-*, operation, batch, transaction. */
  interaction: string;
  /** Resources disclosed or written (`Type/id/_history/v`). */
  resources?: string[];
  /** How many resources were disclosed in all, when `resources` lists only the first of them. */
  disclosedCount?: number;
  /** The raw query of a search, recorded as base64 as BALP asks. */
  query?: string;
}

export function restAuditEvent(input: RestAuditInput): AuditEvent {
  const isQuery = input.query !== undefined;
  const profile = `${BALP}/IHE.BasicAudit.${input.patient ? 'Patient' : ''}${isQuery ? 'Query' : actionProfile(input.action)}`;
  const entity: AuditEventEntity[] = [];
  if (input.actor.requestId) {
    entity.push({ type: { system: 'https://profiles.ihe.net/ITI/BALP/CodeSystem/BasicAuditEntityType', code: 'XrequestId' }, what: { identifier: { value: input.actor.requestId } } });
  }
  if (input.patient) entity.push(patientEntity(input.patient));
  const listed = input.resources?.length ?? 0;
  if (input.disclosedCount !== undefined && input.disclosedCount > listed) {
    entity.push({
      type: ENTITY_TYPE.systemObject,
      description: `${input.disclosedCount} resources disclosed; the first ${listed} are listed`,
      detail: [{ type: 'disclosed-count', valueString: String(input.disclosedCount) }],
    });
  }
  for (const reference of input.resources ?? []) {
    entity.push({ what: { reference }, type: ENTITY_TYPE.systemObject, role: ENTITY_ROLE.domainResource });
  }
  if (input.query !== undefined) {
    entity.push({
      type: ENTITY_TYPE.systemObject,
      role: ENTITY_ROLE.query,
      query: Buffer.from(input.query, 'utf8').toString('base64'),
    });
  }
  const event: AuditEvent = {
    resourceType: 'AuditEvent',
    meta: { profile: [profile] },
    type: { system: 'http://terminology.hl7.org/CodeSystem/audit-event-type', code: 'rest', display: 'Restful Operation' },
    subtype: [{ system: 'http://hl7.org/fhir/restful-interaction', code: input.interaction }],
    action: input.action,
    recorded: input.recorded,
    outcome: input.outcome,
    agent: restAgents(input.actor, input.gateway),
    source: sourceOf(input.gateway),
  };
  return withDetails(event, input.outcomeDesc, input.actor.purposeOfUse, entity);
}

export interface SecurityAuditInput extends AuditInputBase {
  /** Event type; DCM 110113 Security Alert unless given (110114 User Authentication for tokens). */
  type?: Coding;
  /** DCM code of the event subtype (110127 Emergency Override Started) or a BALP subtype such as AuthZ-Consent. */
  subtype: Coding;
  /** Extra entities (consents applied, the token). */
  entities?: AuditEventEntity[];
}

export const DCM_SYSTEM = DCM;

/** Security events: token issued or refused (110114), consent decisions and break-the-glass (110113). */
export function securityAuditEvent(input: SecurityAuditInput): AuditEvent {
  const entity: AuditEventEntity[] = [];
  if (input.patient) entity.push(patientEntity(input.patient));
  entity.push(...(input.entities ?? []));
  const event: AuditEvent = {
    resourceType: 'AuditEvent',
    type: input.type ?? { system: DCM, code: '110113', display: 'Security Alert' },
    subtype: [input.subtype],
    action: input.action,
    recorded: input.recorded,
    outcome: input.outcome,
    agent: restAgents(input.actor, input.gateway),
    source: sourceOf(input.gateway),
  };
  return withDetails(event, input.outcomeDesc, input.actor.purposeOfUse, entity);
}

/** Adds what an event has only sometimes: the outcome text, the purpose of use and the entities. */
function withDetails(event: AuditEvent, outcomeDesc: string | undefined, purposeOfUse: string | undefined, entity: AuditEventEntity[]): AuditEvent {
  if (outcomeDesc) event.outcomeDesc = outcomeDesc;
  const purpose = purposeCoding(purposeOfUse);
  if (purpose) event.purposeOfEvent = [{ coding: [purpose] }];
  if (entity.length > 0) event.entity = entity;
  return event;
}

export function patientEntity(patientReference: string): AuditEventEntity {
  return {
    what: { reference: patientReference },
    type: ENTITY_TYPE.person,
    role: ENTITY_ROLE.patient,
  };
}

function restAgents(actor: AuditActor, gateway: { name: string; url: string }): AuditEventAgent[] {
  const client: Reference = actor.clientId ? { identifier: { system: CLIENT_ID_SYSTEM, value: actor.clientId }, display: actor.clientId } : { display: 'anonymous' };
  const agents: AuditEventAgent[] = [
    {
      type: { coding: [{ system: DCM, code: '110153', display: 'Source Role ID' }] },
      who: client,
      requestor: false,
      ...(actor.address ? { network: { address: actor.address, type: '2' as const } } : {}),
    },
    {
      type: { coding: [{ system: DCM, code: '110152', display: 'Destination Role ID' }] },
      who: { display: gateway.name },
      requestor: false,
      network: { address: gateway.url, type: '5' },
    },
  ];
  if (actor.organizationId) {
    const user: AuditEventAgent = {
      type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType', code: 'IRCP', display: 'information recipient' }] },
      who: { reference: `Organization/${actor.organizationId}` },
      requestor: true,
    };
    const purpose = purposeCoding(actor.purposeOfUse);
    if (purpose) user.purposeOfUse = [{ coding: [purpose] }];
    if (actor.tokenJti) user.policy = [`urn:ietf:params:oauth:jti:${actor.tokenJti}`];
    agents.push(user);
  }
  return agents;
}

function sourceOf(gateway: { name: string; url: string }): AuditEvent['source'] {
  return {
    site: gateway.url,
    observer: { display: gateway.name },
    type: [{ system: 'http://terminology.hl7.org/CodeSystem/security-source-type', code: '4', display: 'Application Server' }],
  };
}

function purposeCoding(code: string | undefined): Coding | undefined {
  return code ? { system: 'http://terminology.hl7.org/CodeSystem/v3-ActReason', code } : undefined;
}

function actionProfile(action: AuditAction): string {
  return { C: 'Create', R: 'Read', U: 'Update', D: 'Delete', E: 'Query' }[action];
}
