/**
 * Which system URI an HL7 v2 identifier (CX, EI, XCN-1/9, XON-10/6) belongs to, and whether it is a checked
 * national number. Order of the rules (documented in mappings/hl7v2/README.md, "Identifier systems"):
 * 1. a national scheme named by the authority (CX-4.1 or CX-4.2) or by the identifier type (CX-5):
 *    NHS number, MBI (checked; `verified` / `unverified`), SSN (dropped unless the source keeps it);
 * 2. the authority configured for the source (patient identifiers only), then for every source (sources.yaml
 *    `authorities`: NPI, GMC, ODS …);
 * 3. no authority, or the sending facility itself: the source's configured mrnSystem / visitSystem;
 * 4. an ISO OID authority (CX-4.2 with CX-4.3 `ISO`, or OID-shaped) → `urn:oid:<oid>`;
 * 5. any other authority → `<base for the kind><authority>` (e.g. https://carebridge.dev/fhir/id/mrn/ACME);
 * 6. no authority and nothing configured: `<base for the kind><sending facility>`.
 */
import type { ResolvedSource, SourcesFile, SystemBases } from '../sources.ts';
import { isValidMbi, isValidNhsNumber, normalizeMbi, normalizeNhsNumber } from './national-ids.ts';

/** An assigning authority (HD: namespace id, universal id, universal id type). */
export interface Authority {
  readonly namespace: string;
  readonly universalId: string;
  readonly universalIdType: string;
}

export type IdentifierKind = keyof SystemBases;

export interface ResolvedSystem {
  readonly system: string;
  readonly value: string;
  /** The national scheme's name (`nhs-number`, `us-mbi`, `us-ssn`) when one applied. */
  readonly scheme?: string;
  /** Set for schemes with a check. */
  readonly verification?: 'verified' | 'unverified';
  /** True when the identifier must not be kept (an SSN the source does not keep). */
  readonly drop?: boolean;
}

const OID = /^[0-2](\.(0|[1-9]\d*))+$/;

function authorityKeys(authority: Authority): string[] {
  return [authority.namespace, authority.universalId].filter((key) => key !== '');
}

function checkNational(scheme: SourcesFile['national'][number], value: string): ResolvedSystem {
  if (scheme.check === 'nhs-modulus-11') {
    const normalized = normalizeNhsNumber(value);
    return { system: scheme.system, value: normalized, scheme: scheme.name, verification: isValidNhsNumber(normalized) ? 'verified' : 'unverified' };
  }
  if (scheme.check === 'mbi-format') {
    const normalized = normalizeMbi(value);
    return { system: scheme.system, value: normalized, scheme: scheme.name, verification: isValidMbi(normalized) ? 'verified' : 'unverified' };
  }
  return { system: scheme.system, value, scheme: scheme.name };
}

/** The default system of a kind for an authority text (URL-encoded into the path). */
export function derivedSystem(bases: SystemBases, kind: IdentifierKind, authority: string): string {
  return bases[kind] + encodeURIComponent(authority);
}

/** Resolves the system of one identifier (see the module comment for the order of the rules). */
export function resolveIdentifierSystem(
  input: { value: string; type: string; authority: Authority },
  kind: IdentifierKind,
  source: ResolvedSource,
  file: SourcesFile,
): ResolvedSystem {
  const keys = authorityKeys(input.authority);
  const upperKeys = keys.map((key) => key.toUpperCase());
  const scheme =
    file.national.find((s) => s.authorities.some((a) => upperKeys.includes(a.toUpperCase()))) ??
    (input.type === '' ? undefined : file.national.find((s) => s.types.includes(input.type.toUpperCase())));
  if (scheme !== undefined) {
    const national = checkNational(scheme, input.value);
    return scheme.privacy === 'ssn' && source.config.keepSsn !== true ? { ...national, drop: true } : national;
  }
  for (const key of keys) {
    const configured = (kind === 'mrn' ? source.config.authorities?.[key] : undefined) ?? file.authorities[key];
    if (configured !== undefined) return { system: configured, value: input.value };
  }
  const own = keys.length === 0 || keys.includes(source.facility);
  if (own && kind === 'mrn' && source.config.mrnSystem !== undefined) return { system: source.config.mrnSystem, value: input.value };
  if (own && kind === 'visit' && source.config.visitSystem !== undefined) return { system: source.config.visitSystem, value: input.value };
  const { universalId, universalIdType, namespace } = input.authority;
  if (universalId !== '' && (universalIdType.toUpperCase() === 'ISO' || OID.test(universalId)) && OID.test(universalId)) {
    return { system: `urn:oid:${universalId}`, value: input.value };
  }
  if (namespace !== '' || universalId !== '') return { system: derivedSystem(file.defaults.bases, kind, namespace || universalId), value: input.value };
  return { system: derivedSystem(file.defaults.bases, kind, source.facility), value: input.value };
}
