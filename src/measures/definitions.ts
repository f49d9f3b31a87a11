/**
 * Measure definitions kept as data in `mappings/measures/*.json` (DOMAIN.md §7; mappings/measures/README.md):
 * what is counted (the initial population: qualifying discharges or TCM episodes of the roster's patients in
 * the period), what is excluded, what the numerator asks of each item, and how the score is scaled. Loaded and
 * checked once at boot: a malformed file stops the gateway with `MSR-DEFINITION-INVALID`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { GatewayError } from '../shared/errors.ts';
import { projectPath } from '../shared/paths.ts';

export type Selector = 'qualifying-discharge' | 'tcm-episode';

export type Numerator =
  | { kind: 'followed-by'; event: 'inpatient-admission' | 'provider-visit'; withinDays: number; classes: string[] }
  | { kind: 'task-on-time'; task: 'tcm-contact' | 'tcm-visit' };

export interface MeasureDefinition {
  id: string;
  title: string;
  description: string;
  family: 'utilization' | 'tcm';
  basis: 'Encounter' | 'Task';
  scoring: 'cohort' | 'ratio' | 'proportion';
  /** 1,000 for "per 1,000", 100 for a percentage; 1 for a cohort count. */
  multiplier: number;
  improvementNotation: 'increase' | 'decrease';
  unit: { text: string; ucum: string };
  initialPopulation: { select: Selector };
  /** Items excluded from the denominator: TCM episodes whose episode Task has one of these statuses. */
  denominatorExclusion?: { episodeStatus: string[] };
  numerator?: Numerator;
}

type Json = Record<string, unknown>;

function invalid(file: string, problem: string): GatewayError {
  return new GatewayError('MSR-DEFINITION-INVALID', 'fault', `Measure definition ${file} is invalid: ${problem}`);
}

function record(value: unknown, file: string, where: string): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid(file, `${where} must be an object`);
  return value as Json;
}

function text(value: unknown, file: string, where: string): string {
  if (typeof value !== 'string' || value.trim() === '') throw invalid(file, `${where} must be a non-empty string`);
  return value;
}

function oneOf<T extends string>(value: unknown, allowed: readonly T[], file: string, where: string): T {
  const found = allowed.find((option) => option === value);
  if (found === undefined) throw invalid(file, `${where} must be one of ${allowed.join(', ')}`);
  return found;
}

function strings(value: unknown, file: string, where: string): string[] {
  if (!Array.isArray(value) || value.length === 0) throw invalid(file, `${where} must be a non-empty array`);
  return value.map((item, i) => text(item, file, `${where}[${i}]`));
}

function readNumerator(value: unknown, file: string): Numerator {
  const raw = record(value, file, 'numerator');
  const kind = oneOf(raw.kind, ['followed-by', 'task-on-time'] as const, file, 'numerator.kind');
  if (kind === 'task-on-time') return { kind, task: oneOf(raw.task, ['tcm-contact', 'tcm-visit'] as const, file, 'numerator.task') };
  const withinDays = raw.withinDays;
  if (typeof withinDays !== 'number' || !Number.isInteger(withinDays) || withinDays < 1 || withinDays > 366) throw invalid(file, 'numerator.withinDays must be 1–366');
  const event = oneOf(raw.event, ['inpatient-admission', 'provider-visit'] as const, file, 'numerator.event');
  const classes = event === 'provider-visit' ? strings(raw.classes, file, 'numerator.classes') : [];
  return { kind, event, withinDays, classes };
}

/** Checks one parsed definition (`file` names it in errors). */
export function validateMeasureDefinition(value: unknown, file: string): MeasureDefinition {
  const raw = record(value, file, '$');
  const id = text(raw.id, file, 'id');
  if (!/^[a-z0-9]+(?:-[a-z0-9]+)*$/.test(id) || `${id}.json` !== path.basename(file)) throw invalid(file, 'id must be kebab-case and match the file name');
  const family = oneOf(raw.family, ['utilization', 'tcm'] as const, file, 'family');
  const scoring = oneOf(raw.scoring, ['cohort', 'ratio', 'proportion'] as const, file, 'scoring');
  const select = oneOf(record(raw.initialPopulation, file, 'initialPopulation').select, ['qualifying-discharge', 'tcm-episode'] as const, file, 'initialPopulation.select');
  if ((family === 'tcm') !== (select === 'tcm-episode')) throw invalid(file, 'a tcm measure selects tcm-episode, a utilization measure qualifying-discharge');
  const unit = record(raw.unit, file, 'unit');
  const definition: MeasureDefinition = {
    id,
    title: text(raw.title, file, 'title'),
    description: text(raw.description, file, 'description'),
    family,
    basis: oneOf(raw.basis, ['Encounter', 'Task'] as const, file, 'basis'),
    scoring,
    multiplier: scoring === 'cohort' ? 1 : oneOf(String(raw.multiplier), ['100', '1000'] as const, file, 'multiplier') === '100' ? 100 : 1000,
    improvementNotation: oneOf(raw.improvementNotation, ['increase', 'decrease'] as const, file, 'improvementNotation'),
    unit: { text: text(unit.text, file, 'unit.text'), ucum: text(unit.ucum, file, 'unit.ucum') },
    initialPopulation: { select },
  };
  if (raw.denominatorExclusion !== undefined) {
    definition.denominatorExclusion = { episodeStatus: strings(record(raw.denominatorExclusion, file, 'denominatorExclusion').episodeStatus, file, 'denominatorExclusion.episodeStatus') };
  }
  if (scoring !== 'cohort') definition.numerator = readNumerator(raw.numerator, file);
  if (definition.numerator?.kind === 'task-on-time' && family !== 'tcm') throw invalid(file, 'task-on-time numerators belong to tcm measures');
  return definition;
}

/** Loads every `*.json` definition of `mappings/measures/`, keyed by id. */
export function loadMeasureDefinitions(dir: string = projectPath('mappings', 'measures')): ReadonlyMap<string, MeasureDefinition> {
  const definitions = new Map<string, MeasureDefinition>();
  for (const file of fs.readdirSync(dir).filter((name) => name.endsWith('.json')).sort()) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
    } catch (cause) {
      throw new GatewayError('MSR-DEFINITION-INVALID', 'fault', `Measure definition ${file} is not JSON`, { cause });
    }
    const definition = validateMeasureDefinition(parsed, file);
    definitions.set(definition.id, definition);
  }
  return definitions;
}
