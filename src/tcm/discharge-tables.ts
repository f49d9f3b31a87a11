/**
 * The TCM eligibility tables kept as data (DOMAIN.md §5; CMS MLN908628): `mappings/tcm/discharge-dispositions.json`
 * (HL7 v2 table 0112, NUBC UB-04 patient discharge status and FHIR R4 discharge-disposition codes → outcome) and
 * `mappings/tcm/encounter-classes.json` (the Encounter classes whose discharge can qualify). Loaded and validated
 * once; `classifyDischarge` reads the result.
 */
import path from 'node:path';
import type { Coding } from 'fhir/r4.js';
import { projectPath } from '../shared/paths.ts';
import { readTableFile, requireArray, requireInteger, requireRecord, requireString, tableError } from './read-table.ts';

/** What a discharge disposition means for TCM. */
export type DischargeOutcome = 'qualifies' | 'death' | 'acute-transfer' | 'snf' | 'other-not-qualifying';

/** One disposition code of one code system. */
export interface DispositionEntry {
  system: string;
  code: string;
  display: string;
  outcome: DischargeOutcome;
  /** The code is too broad to decide on without a person (e.g. NUBC 04, FHIR `oth`). */
  review: boolean;
}

/** An accepted Encounter class. */
export interface EncounterClassEntry {
  system: string;
  code: string;
  display: string;
}

/** The validated eligibility tables. */
export interface DischargeTables {
  /** Keyed by `${canonical system}|${code}`. */
  dispositions: ReadonlyMap<string, DispositionEntry>;
  /** Alias system URL or OID → canonical URL. */
  dispositionAliases: ReadonlyMap<string, string>;
  /** Pad purely numeric codes of a system to this width (`1` → `01`), as some senders drop the leading zero. */
  padCodeTo: ReadonlyMap<string, number>;
  encounterClasses: ReadonlyMap<string, EncounterClassEntry>;
  classAliases: ReadonlyMap<string, string>;
}

const OUTCOMES: readonly DischargeOutcome[] = ['qualifies', 'death', 'acute-transfer', 'snf', 'other-not-qualifying'];
const DISPOSITIONS = 'discharge-dispositions.json';
const CLASSES = 'encounter-classes.json';

type DispositionPart = Pick<DischargeTables, 'dispositions' | 'dispositionAliases' | 'padCodeTo'>;

function readDispositionCodes(entry: Record<string, unknown>, where: string, system: string, into: Map<string, DispositionEntry>): void {
  requireArray(entry['codes'], DISPOSITIONS, `${where}.codes`).forEach((rawCode, c) => {
    const at = `${where}.codes[${c}]`;
    const row = requireRecord(rawCode, DISPOSITIONS, at);
    const code = requireString(row['code'], DISPOSITIONS, `${at}.code`);
    const outcome = OUTCOMES.find((known) => known === row['outcome']);
    if (outcome === undefined) throw tableError(DISPOSITIONS, `${at}.outcome`, `expected one of ${OUTCOMES.join(', ')}`);
    if (row['review'] !== undefined && typeof row['review'] !== 'boolean') throw tableError(DISPOSITIONS, `${at}.review`, 'expected a boolean');
    if (into.has(`${system}|${code}`)) throw tableError(DISPOSITIONS, at, `code ${code} is listed twice`);
    const display = requireString(row['display'], DISPOSITIONS, `${at}.display`);
    into.set(`${system}|${code}`, { system, code, display, outcome, review: row['review'] === true });
  });
}

function readDispositions(value: unknown): DispositionPart {
  const dispositions = new Map<string, DispositionEntry>();
  const aliases = new Map<string, string>();
  const pads = new Map<string, number>();
  requireArray(requireRecord(value, DISPOSITIONS, '$')['systems'], DISPOSITIONS, 'systems').forEach((raw, s) => {
    const where = `systems[${s}]`;
    const entry = requireRecord(raw, DISPOSITIONS, where);
    const system = requireString(entry['url'], DISPOSITIONS, `${where}.url`);
    const others = entry['aliases'] === undefined ? [] : requireArray(entry['aliases'], DISPOSITIONS, `${where}.aliases`);
    const names = [system, ...others.map((alias, a) => requireString(alias, DISPOSITIONS, `${where}.aliases[${a}]`))];
    for (const name of names) {
      if (aliases.has(name)) throw tableError(DISPOSITIONS, where, `system ${name} is listed twice`);
      aliases.set(name, system);
    }
    if (entry['padCodeTo'] !== undefined) pads.set(system, requireInteger(entry['padCodeTo'], DISPOSITIONS, `${where}.padCodeTo`, 1, 4));
    readDispositionCodes(entry, where, system, dispositions);
  });
  return { dispositions, dispositionAliases: aliases, padCodeTo: pads };
}

function readClasses(value: unknown): Pick<DischargeTables, 'encounterClasses' | 'classAliases'> {
  const classes = new Map<string, EncounterClassEntry>();
  const aliases = new Map<string, string>();
  const table = requireRecord(value, CLASSES, '$');
  const aliasTable = table['aliases'] === undefined ? {} : requireRecord(table['aliases'], CLASSES, 'aliases');
  for (const [alias, canonical] of Object.entries(aliasTable)) aliases.set(alias, requireString(canonical, CLASSES, `aliases.${alias}`));
  requireArray(table['classes'], CLASSES, 'classes').forEach((raw, index) => {
    const where = `classes[${index}]`;
    const row = requireRecord(raw, CLASSES, where);
    const system = requireString(row['system'], CLASSES, `${where}.system`);
    const code = requireString(row['code'], CLASSES, `${where}.code`);
    if (classes.has(`${system}|${code}`)) throw tableError(CLASSES, where, `class ${code} is listed twice`);
    classes.set(`${system}|${code}`, { system, code, display: requireString(row['display'], CLASSES, `${where}.display`) });
  });
  return { encounterClasses: classes, classAliases: aliases };
}

/** Validates the two parsed tables (see mappings/tcm/README.md for their shape). */
export function validateDischargeTables(dispositions: unknown, encounterClasses: unknown): DischargeTables {
  return { ...readDispositions(dispositions), ...readClasses(encounterClasses) };
}

/** Loads and validates both eligibility tables from `mappings/tcm/` (or another mappings folder). */
export function loadDischargeTables(mappingsDir: string = projectPath('mappings')): DischargeTables {
  const dir = path.join(mappingsDir, 'tcm');
  return validateDischargeTables(readTableFile(path.join(dir, DISPOSITIONS)), readTableFile(path.join(dir, CLASSES)));
}

/** The table row for a disposition coding (system aliases resolved, numeric codes padded), if any. */
export function lookUpDisposition(coding: Coding, tables: DischargeTables): DispositionEntry | undefined {
  if (coding.system === undefined || coding.code === undefined) return undefined;
  const system = tables.dispositionAliases.get(coding.system);
  if (system === undefined) return undefined;
  const width = tables.padCodeTo.get(system);
  const code = width !== undefined && /^\d+$/.test(coding.code) ? coding.code.padStart(width, '0') : coding.code;
  return tables.dispositions.get(`${system}|${code}`);
}

/** The accepted class entry for an Encounter.class coding, if any. */
export function lookUpEncounterClass(coding: Coding | undefined, tables: DischargeTables): EncounterClassEntry | undefined {
  if (coding?.system === undefined || coding.code === undefined) return undefined;
  const system = tables.classAliases.get(coding.system) ?? coding.system;
  return tables.encounterClasses.get(`${system}|${coding.code}`);
}
