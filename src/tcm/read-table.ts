/**
 * Reading the TCM tables kept as data in `mappings/tcm/` (holiday calendars, the Charlson map, the discharge
 * eligibility tables). Loaders call these once at boot and hand the validated result to the pure functions; a
 * malformed file throws `TCM-TABLE-INVALID` with the file name and the path of the bad value.
 */
import fs from 'node:fs';
import path from 'node:path';
import { GatewayError } from '../shared/errors.ts';

/** Parses a JSON table file; throws `TCM-TABLE-MISSING` or `TCM-TABLE-INVALID` (fault: a deployment error). */
export function readTableFile(file: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (cause) {
    throw new GatewayError('TCM-TABLE-MISSING', 'fault', `TCM table ${path.basename(file)} cannot be read`, { cause });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (cause) {
    throw new GatewayError('TCM-TABLE-INVALID', 'fault', `TCM table ${path.basename(file)} is not JSON`, { cause });
  }
}

/** The error thrown for a malformed table: names the file and where in it the problem is. */
export function tableError(file: string, where: string, problem: string): GatewayError {
  return new GatewayError('TCM-TABLE-INVALID', 'fault', `TCM table ${file} is invalid at ${where}: ${problem}`);
}

/** True for a plain JSON object. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The object at `where`, or a table error. */
export function requireRecord(value: unknown, file: string, where: string): Record<string, unknown> {
  if (!isRecord(value)) throw tableError(file, where, 'expected an object');
  return value;
}

/** The array at `where`, or a table error. */
export function requireArray(value: unknown, file: string, where: string): unknown[] {
  if (!Array.isArray(value)) throw tableError(file, where, 'expected an array');
  return value;
}

/** The non-empty string at `where`, or a table error. */
export function requireString(value: unknown, file: string, where: string): string {
  if (typeof value !== 'string' || value.trim() === '') throw tableError(file, where, 'expected a non-empty string');
  return value;
}

/** The integer at `where` (within `min`..`max`), or a table error. */
export function requireInteger(value: unknown, file: string, where: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw tableError(file, where, `expected a whole number from ${min} to ${max}`);
  }
  return value;
}
