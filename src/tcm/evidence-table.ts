/**
 * What completes a TCM Task, kept as data in `mappings/tcm/completion-evidence.json` (DOMAIN.md §5; CMS
 * MLN908628: an interactive contact by phone, electronically or directly; a face-to-face visit; two documented
 * unsuccessful attempts). Loaded and validated once at boot.
 */
import path from 'node:path';
import type { Coding } from 'fhir/r4.js';
import { projectPath } from '../shared/paths.ts';
import { readTableFile, requireArray, requireInteger, requireRecord, requireString } from './read-table.ts';

/** The validated evidence table. */
export interface EvidenceTable {
  /** `${system}|${code}` of the Encounter classes that are an interactive contact. */
  contactClasses: ReadonlySet<string>;
  /** `${system}|${code}` of the Encounter classes that are a face-to-face visit. */
  visitClasses: ReadonlySet<string>;
  aliases: ReadonlyMap<string, string>;
  encounterStatuses: ReadonlySet<string>;
  communicationDone: ReadonlySet<string>;
  communicationAttempt: ReadonlySet<string>;
  attemptsToSatisfy: number;
}

const FILE = 'completion-evidence.json';

function readClasses(value: unknown, where: string): Set<string> {
  return new Set(
    requireArray(value, FILE, where).map((raw, i) => {
      const row = requireRecord(raw, FILE, `${where}[${i}]`);
      return `${requireString(row['system'], FILE, `${where}[${i}].system`)}|${requireString(row['code'], FILE, `${where}[${i}].code`)}`;
    }),
  );
}

function readStrings(value: unknown, where: string): Set<string> {
  return new Set(requireArray(value, FILE, where).map((raw, i) => requireString(raw, FILE, `${where}[${i}]`)));
}

/** Validates the parsed table (see mappings/tcm/README.md). */
export function validateEvidenceTable(value: unknown): EvidenceTable {
  const table = requireRecord(value, FILE, '$');
  const aliasTable = table['aliases'] === undefined ? {} : requireRecord(table['aliases'], FILE, 'aliases');
  const aliases = new Map(Object.entries(aliasTable).map(([alias, canonical]) => [alias, requireString(canonical, FILE, `aliases.${alias}`)]));
  return {
    contactClasses: readClasses(table['contactClasses'], 'contactClasses'),
    visitClasses: readClasses(table['visitClasses'], 'visitClasses'),
    aliases,
    encounterStatuses: readStrings(table['encounterStatuses'], 'encounterStatuses'),
    communicationDone: readStrings(table['communicationDone'], 'communicationDone'),
    communicationAttempt: readStrings(table['communicationAttempt'], 'communicationAttempt'),
    attemptsToSatisfy: requireInteger(table['attemptsToSatisfy'], FILE, 'attemptsToSatisfy', 1, 10),
  };
}

/** Loads and validates `mappings/tcm/completion-evidence.json`. */
export function loadEvidenceTable(mappingsDir: string = projectPath('mappings')): EvidenceTable {
  return validateEvidenceTable(readTableFile(path.join(mappingsDir, 'tcm', FILE)));
}

/** What an Encounter of this class can complete: the contact, the visit, both, or nothing. */
export function evidenceKindsOf(cls: Coding | undefined, table: EvidenceTable): { contact: boolean; visit: boolean } {
  if (cls?.system === undefined || cls.code === undefined) return { contact: false, visit: false };
  const key = `${table.aliases.get(cls.system) ?? cls.system}|${cls.code}`;
  return { contact: table.contactClasses.has(key), visit: table.visitClasses.has(key) };
}
