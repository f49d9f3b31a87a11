/**
 * Redaction obligations: parts of a permitted resource that carry a label the requester may not see
 * (contained resources, entries of a Bundle) are removed, and the resource is marked REDACTED.
 * https://hl7.org/fhir/R4/security-labels.html (v3-ObservationValue REDACTED)
 */
import type { Coding, Resource } from 'fhir/r4.js';
import { includesCoding } from './codings.ts';
import type { ConsentRules } from './types.ts';

const REDACTED: Coding = { system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationValue', code: 'REDACTED', display: 'redacted' };

interface WithParts {
  contained?: Resource[];
  entry?: { resource?: Resource }[];
}

export function redactResource(resource: Resource, labels: Coding[], rules: ConsentRules): Resource {
  const labelled = (part: Resource | undefined) => (part?.meta?.security ?? []).some((label) => labels.some((l) => includesCoding([l], label, rules.aliases)));
  const copy = { ...resource } as Resource & WithParts;
  const parts = resource as Resource & WithParts;
  if (parts.contained) copy.contained = parts.contained.filter((part) => !labelled(part));
  if (parts.entry) copy.entry = parts.entry.filter((entry) => !labelled(entry.resource));
  const security = [...(resource.meta?.security ?? []).filter((label) => label.code !== REDACTED.code), REDACTED];
  copy.meta = { ...(resource.meta ?? {}), security };
  return copy;
}
