/**
 * Every HL7 v2 input of the shared corpus (linuxforhealth, node-hl7-client, node-hl7-complete, mllp-derived
 * and FHIR-Converter's), read the way the ingest stage reads it, either maps to FHIR that validates or fails
 * with a GatewayError whose category and message say why: never a crash, never half an output. The expected
 * outcome of each input is pinned here, so a change in behaviour shows up.
 */
import { describe, expect, it } from 'vitest';
import type { Hl7Message } from '../../src/ingest/hl7v2/index.ts';
import { createHl7v2Mapper, type MappedMessage } from '../../src/mapping/index.ts';
import { GatewayError } from '../../src/shared/errors.ts';
import { createValidator } from '../../src/validation/validator.ts';
import { corpusFiles, sampleModuleInputs, type CorpusInput } from './corpus-files.ts';

const mapper = createHl7v2Mapper();
const validator = createValidator();
const RECEIVED_AT = '2025-01-01T00:00:00Z';

/** Inputs that do not map, and why (message order within a file). Everything else must map and validate. */
const EXPECTED_FAILURES: Readonly<Record<string, readonly string[]>> = {
  'linuxforhealth/FHIRConverterTest-L123-ADT-A18.hl7': ['invalid MAP-UNSUPPORTED-EVENT ADT^A18'],
  'linuxforhealth/HL7ADTMessageTest-L204-ADT-A03.hl7': ['unprocessable MAP-REQUIRED-MISSING PID-5'],
  'linuxforhealth/HL7ADTMessageTest-L254-ADT-A03.hl7': ['unprocessable MAP-REQUIRED-MISSING PID-5'],
  'linuxforhealth/HL7ADTMessageTest-L290-ADT-A03.hl7': ['unprocessable MAP-REQUIRED-MISSING PID-5'],
  'linuxforhealth/HL7ADTMessageTest-L310-ADT-A03.hl7': ['unprocessable MAP-REQUIRED-MISSING PID-5'],
  'linuxforhealth/HL7ADTMessageTest-L334-ADT-A03.hl7': ['unprocessable MAP-REQUIRED-MISSING PID-5'],
  'node-hl7-client/batch.hl7': ['unprocessable MAP-REQUIRED-MISSING PV1', 'invalid MAP-UNSUPPORTED-EVENT RSP^K11'],
  'node-hl7-client/sample_bad_batch.hl7': ['invalid ING-HL7-BATCH-NO-MSH'],
  'node-hl7-complete/adt-example.hl7': ['unprocessable MAP-REQUIRED-MISSING PID'],
  'node-hl7-complete/bad-phone-example.hl7': ['invalid MAP-UNSUPPORTED-EVENT SIU^S12'],
  'node-hl7-complete/mdm-example.hl7': ['invalid MAP-UNSUPPORTED-EVENT MDM^T04'],
  'node-hl7-client/sample_messages.ts#rep_sample_hl7': ['unprocessable MAP-REQUIRED-MISSING PID-5'],
  'node-hl7-client/sample_messages.ts#sample_bad_batch': ['invalid ING-HL7-BATCH-NO-MSH'],
  'node-hl7-client/sample_messages.ts#sample_bad_batch1': ['unprocessable MAP-REQUIRED-MISSING PID'],
  'node-hl7-client/sample_messages.ts#sample_bad_file': ['invalid ING-HL7-BATCH-NO-MSH'],
  'node-hl7-client/sample_messages.ts#sample_bad_file1': ['unprocessable MAP-REQUIRED-MISSING PID'],
  'node-hl7-client/sample_messages.ts#sample_bad_file2': ['unprocessable MAP-REQUIRED-MISSING PID'],
  'node-hl7-client/sample_messages.ts#sample_bad_file3': ['invalid ING-HL7-BATCH-NO-MSH'],
};

/**
 * Inputs that map but, on their own, do not make a valid resource: a visit with no start anywhere in the message
 * (no PV1-44, EVN-6 or EVN-2). The pipeline merges it with the stored visit, and answers AE when none exists.
 */
const INCOMPLETE_ALONE: Readonly<Record<string, string>> = {
  'linuxforhealth/HL7ConditionFHIRConversionTest-L247-ADT-A01.hl7': 'Encounter.period',
};

function describeError(error: unknown): string {
  if (!(error instanceof GatewayError)) throw error;
  const where = error.code === 'MAP-UNSUPPORTED-EVENT' ? /type (\S+)$/.exec(error.message)?.[1] : error.issues[0]?.location?.[0];
  return [error.category, error.code, where].filter((part) => part !== undefined).join(' ');
}

function mapAll(input: CorpusInput): { outcomes: string[]; mapped: MappedMessage[] } {
  let messages: Hl7Message[];
  try {
    messages = input.read();
  } catch (error) {
    return { outcomes: [describeError(error)], mapped: [] };
  }
  const outcomes: string[] = [];
  const mapped: MappedMessage[] = [];
  for (const message of messages) {
    try {
      mapped.push(mapper.map(message, { receivedAt: RECEIVED_AT }));
      outcomes.push('mapped');
    } catch (error) {
      outcomes.push(describeError(error));
    }
  }
  return { outcomes, mapped };
}

const inputs = [...corpusFiles(), ...(await sampleModuleInputs())];

describe('the HL7 v2 corpus maps or fails cleanly', () => {
  it('reads every input', () => {
    expect(inputs.length).toBeGreaterThanOrEqual(75);
    for (const name of Object.keys(EXPECTED_FAILURES)) expect(inputs.map((i) => i.name)).toContain(name);
  });

  it.each(inputs.map((input) => [input.name, input]))('%s', (name, input) => {
    const { outcomes, mapped } = mapAll(input);
    const failures = outcomes.filter((o) => o !== 'mapped');
    expect(failures).toEqual(EXPECTED_FAILURES[name] ?? []);
    for (const result of mapped) {
      expect(result.resources.length).toBeGreaterThan(0);
      for (const { resource } of result.resources) {
        const issues = validator.validate(resource);
        const allowed = INCOMPLETE_ALONE[name];
        if (allowed && resource.resourceType === 'Encounter') expect(issues.flatMap((i) => i.expression ?? [])).toEqual([allowed]);
        else expect(issues, `${name} ${resource.resourceType}/${resource.id ?? ''}`).toEqual([]);
      }
      expect(JSON.stringify(result.report)).not.toMatch(/\d{9,}/);
    }
  });
});
