/**
 * The contract between the HL7 v2 mapping engine and the ingest pipeline: what `map` returns for one message.
 * Mapping follows HL7 v2.5.1 (ch. 3 ADT, ch. 7 ORU) and the HL7 v2-to-FHIR IG where it makes a choice.
 */
import type { Identifier, Resource } from 'fhir/r4.js';
import type { Hl7Message } from '../ingest/hl7v2/index.ts';

/** What the message says about itself and whom it is about (for idempotency, ordering and matching). */
export interface MappedEvent {
  /** MSH-9.1 and MSH-9.2, e.g. `ADT` and `A03`. */
  messageType: string;
  trigger: string;
  /** EVN-2 (recorded date/time) as a FHIR dateTime, else undefined. */
  eventTime?: string;
  /** MSH-7 as a FHIR dateTime. */
  messageTime?: string;
  /** MSH-10. */
  controlId: string;
  /** MSH-4: the namespace id (HD-1), else the universal id (HD-2). */
  sendingFacility: string;
  /** MSH-3 namespace id, else universal id. */
  sendingApplication: string;
  /** PV1-19 under the facility's visit-number system. */
  visit?: { system: string; value: string };
  /**
   * PID-3 identifiers with systems resolved. National identifiers that have a check (NHS number, MBI) carry the
   * extension `https://carebridge.dev/fhir/StructureDefinition/identifier-verification` = `verified` |
   * `unverified`; an `unverified` one must never be used to link records. Local identifiers carry none.
   */
  patient: Identifier[];
  /** MRG-1 (A40): the identifiers of the record merged into `patient`. */
  mergedFrom?: Identifier[];
}

/** One output resource and what the message explicitly removed from it. */
export interface MappedResource {
  resource: Resource;
  /**
   * Elements the message nulled with `""` (top-level names such as `gender`), plus the sub-elements an event
   * removes by definition (A13: `period.end`, `hospitalization.dischargeDisposition`). Every element present
   * in `resource` replaces the stored one; absent elements mean "no change".
   */
  cleared: string[];
}

/** What the message held that the mapping did not use. Never contains patient data. */
export interface MappingReport {
  /** Segment ids with no mapping for this message type (Z-segments included), in message order. */
  unmappedSegments: string[];
  /** Fields with content that no rule read, e.g. `PV1-50`, and `ZPI-*` for Z-segments. */
  unmappedFields: string[];
  warnings: string[];
}

export interface MappedMessage {
  event: MappedEvent;
  /** Deterministic ids, dependency order (Organization … Patient … Encounter … Observation). */
  resources: MappedResource[];
  report: MappingReport;
}

/** Per-source settings (mappings/hl7v2/sources.yaml; callers may add more). */
export interface SourceConfig {
  /** Matches MSH-4.1 (namespace id) or MSH-4.2 (universal id). */
  facility: string;
  /** Display name of the source organisation. */
  name?: string;
  /** The source organisation's identifier (e.g. an ODS code). */
  organizationIdentifier?: { system: string; value: string };
  /** Assigning authority (CX-4.1 or CX-4.2) → system URI of this source's patient identifiers (MRNs). */
  authorities?: Record<string, string>;
  /** System of this source's MRNs when CX-4 is empty; default derived from `facility`. */
  mrnSystem?: string;
  /** System of PV1-19 visit numbers without an authority; default derived from `facility`. */
  visitSystem?: string;
  /** IANA time zone for HL7 times sent without an offset (default `UTC`, with a warning). */
  timezone?: string;
  /** Keep US SSNs (PID-3 type SS) as identifiers. Off by default: an SSN is not needed to link records. */
  keepSsn?: boolean;
}

export interface Hl7v2MapperOptions {
  /** Folder holding hl7v2/, codes/ and mapping.schema.json; default the project's `mappings/`. */
  mappingsDir?: string;
  /** Extra or overriding sources (by facility) on top of mappings/hl7v2/sources.yaml. */
  sources?: SourceConfig[];
}

export interface MapContext {
  /** When the gateway received the message (ISO 8601). Used only for plausibility warnings. */
  receivedAt: string;
}

export interface Hl7v2Mapper {
  /**
   * Maps one parsed message. Throws GatewayError `MAP-UNSUPPORTED-EVENT` (category `invalid`, → AR by the
   * pipeline) for a message type/trigger without a definition, and `MAP-REQUIRED-MISSING` (category
   * `unprocessable`, → AE) with one issue per missing element (`location` such as `PID-3`).
   */
  map(message: Hl7Message, context: MapContext): MappedMessage;
  /** The `TYPE^TRIGGER` pairs this mapper has definitions for. */
  supportedEvents(): string[];
}
