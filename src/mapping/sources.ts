/**
 * Identifier systems and per-source settings (mappings/hl7v2/sources.yaml plus the caller's SourceConfig list):
 * which URI an assigning authority stands for, which authorities or identifier types are national numbers, and
 * each sending facility's defaults (MRN and visit-number systems, time zone).
 */
import { GatewayError } from '../shared/errors.ts';
import type { SourceConfig } from './types.ts';
import { UTC_OFFSET, zoneOffsetOf, type ZoneOffset } from './helpers/datetime.ts';

/** A national identifier scheme (NHS number, MBI, SSN). */
export interface NationalScheme {
  readonly name: string;
  readonly system: string;
  /** CX-4 namespace ids or universal ids (OIDs) that mean this scheme. */
  readonly authorities: readonly string[];
  /** CX-5 identifier type codes (table 0203) that mean this scheme. */
  readonly types: readonly string[];
  readonly check?: 'nhs-modulus-11' | 'mbi-format';
  /** `ssn`: dropped unless the source sets `keepSsn`. */
  readonly privacy?: 'ssn';
}

/** Where identifiers without a configured system go: `<base><authority>` per kind of identifier. */
export interface SystemBases {
  readonly mrn: string;
  readonly visit: string;
  readonly practitioner: string;
  readonly org: string;
  readonly order: string;
}

/** The content of sources.yaml after checking. */
export interface SourcesFile {
  readonly defaults: { readonly timezone: string; readonly bases: SystemBases };
  readonly national: readonly NationalScheme[];
  /** Well-known authorities for every source (NPI, GMC, ODS …) → system URI. */
  readonly authorities: Readonly<Record<string, string>>;
  readonly sources: readonly SourceConfig[];
}

/** The settings in force for one message's sending facility. */
export interface ResolvedSource {
  readonly facility: string;
  readonly config: SourceConfig;
  readonly timezone: string;
  /** False when no zone was configured for this facility (UTC is assumed, with a warning). */
  readonly timezoneConfigured: boolean;
  readonly zoneOffset: ZoneOffset;
}

/** Source lookup for a mapper: built once, then pure. */
export interface SourceDirectory {
  readonly file: SourcesFile;
  /**
   * The settings for MSH-4 (namespace id, universal id); unknown facilities get the defaults. Without an MSH-4
   * the `fallback` (the sending application, MSH-3) names the source.
   */
  resolve(namespace: string, universalId: string, fallback?: string): ResolvedSource;
}

/**
 * Builds the directory from sources.yaml and the caller's configs (which win, matched by `facility`).
 * @throws GatewayError `MAP-SOURCE-INVALID` (fault) for an unknown IANA time zone
 */
export function createSourceDirectory(file: SourcesFile, extra: readonly SourceConfig[]): SourceDirectory {
  const byFacility = new Map<string, SourceConfig>();
  for (const config of [...file.sources, ...extra]) byFacility.set(config.facility, config);
  const zones = new Map<string, ZoneOffset>();
  const zoneOf = (name: string): ZoneOffset => {
    let offset = zones.get(name);
    if (offset === undefined) {
      try {
        offset = name === 'UTC' ? UTC_OFFSET : zoneOffsetOf(name);
      } catch (cause) {
        throw new GatewayError('MAP-SOURCE-INVALID', 'fault', `Unknown time zone "${name}" in the HL7 v2 source settings`, { cause });
      }
      zones.set(name, offset);
    }
    return offset;
  };
  const resolved = new Map<string, ResolvedSource>();
  for (const [facility, config] of byFacility) {
    const timezone = config.timezone ?? file.defaults.timezone;
    resolved.set(facility, { facility, config, timezone, timezoneConfigured: config.timezone !== undefined, zoneOffset: zoneOf(timezone) });
  }
  const fallbackZone = zoneOf(file.defaults.timezone);
  return {
    file,
    resolve(namespace, universalId, fallback = '') {
      const known = resolved.get(namespace) ?? resolved.get(universalId);
      if (known !== undefined) return known;
      const facility = [namespace, universalId, fallback].find((name) => name !== '') ?? 'unknown';
      return { facility, config: { facility }, timezone: file.defaults.timezone, timezoneConfigured: false, zoneOffset: fallbackZone };
    },
  };
}
