/**
 * Deterministic resource ids (the FHIR-Converter `ID/*` idea, STYLE.md §2): a readable prefix and the first
 * 128 bits of a SHA-256 over the key parts, so a replayed message PUTs the same ids and updates instead of
 * duplicating. Ids match the FHIR id alphabet `[A-Za-z0-9\-\.]{1,64}` (R4 datatypes §2.24.0.1).
 */
import { createHash } from 'node:crypto';

const PREFIX = /^[a-z][a-z0-9]{0,19}$/;
// Unit separator: cannot occur in decoded HL7 text sent by a conformant sender, so parts never run together.
const SEPARATOR = '\u001f';

/**
 * `prefix-<32 hex>` from the key parts (order matters). Parts are compared exactly (case and spaces).
 * @throws Error for a prefix outside `[a-z][a-z0-9]{0,19}` (mapping files are checked at load)
 */
export function deterministicId(prefix: string, parts: readonly string[]): string {
  if (!PREFIX.test(prefix)) throw new Error(`Invalid id prefix "${prefix}"`);
  const digest = createHash('sha256').update(parts.join(SEPARATOR), 'utf8').digest('hex');
  return `${prefix}-${digest.slice(0, 32)}`;
}

/** True for a valid id prefix. */
export function isIdPrefix(prefix: string): boolean {
  return PREFIX.test(prefix);
}
