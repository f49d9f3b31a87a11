/**
 * The mapping stage: a generic engine over the declarative files in mappings/ (DESIGN.md §2). HL7 v2 ADT and
 * ORU messages become FHIR R4 resources with deterministic ids, the event facts the pipeline orders and
 * deduplicates by, and a report of unmapped input. See mappings/hl7v2/README.md for the file format.
 */
export { createHl7v2Mapper, mapMessage } from './mapper.ts';
export { assembleTransaction } from './assemble.ts';
export { loadRegistry, buildRegistry, type Registry } from './registry.ts';
export { deterministicId } from './ids.ts';
export { VERIFICATION_URL } from './helpers/identifiers.ts';
export type {
  Hl7v2Mapper,
  Hl7v2MapperOptions,
  MapContext,
  MappedEvent,
  MappedMessage,
  MappedResource,
  MappingReport,
  SourceConfig,
} from './types.ts';
