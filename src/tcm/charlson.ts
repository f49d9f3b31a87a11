/**
 * The Charlson comorbidity score from ICD-10 codes, the "C" of LACE (DOMAIN.md §5; van Walraven et al., CMAJ
 * 2010). Categories and codes are data (`mappings/tcm/charlson-icd10.json`: Quan et al., Med Care 2005, ICD-10
 * algorithm) with the original Charlson weights (1987). Each category counts once; where a severe category
 * supersedes a milder one (liver disease, diabetes, malignancy → metastatic tumour) only the severe one counts.
 */
import path from 'node:path';
import { GatewayError } from '../shared/errors.ts';
import { projectPath } from '../shared/paths.ts';
import { readTableFile, requireArray, requireInteger, requireRecord, requireString, tableError } from './read-table.ts';

/** A code pattern, normalised (no dots, upper case): codes whose first `from.length` characters sort in from..to. */
export interface CodePattern {
  from: string;
  to: string;
}

/** One Charlson comorbidity category. */
export interface CharlsonCategory {
  id: string;
  name: string;
  weight: number;
  patterns: readonly CodePattern[];
  /** Milder categories not counted when this one is present. */
  supersedes: readonly string[];
}

/** The validated Charlson map. */
export interface CharlsonMap {
  source: string;
  categories: readonly CharlsonCategory[];
}

/** A counted category and the input codes that put it there. */
export interface CharlsonFinding {
  id: string;
  name: string;
  weight: number;
  codes: string[];
}

/** The score and what made it up; `superseded` lists milder categories found but not counted. */
export interface CharlsonResult {
  score: number;
  categories: CharlsonFinding[];
  superseded: string[];
}

const ICD10_RE = /^[A-Z][0-9][0-9A-Z]{1,5}$/;
const FILE = 'charlson-icd10.json';

/** An ICD-10 / ICD-10-CM code without dots or spaces, upper case (`i25.2` → `I252`). */
export function normalizeIcd10(code: string): string {
  return code.replace(/[.\s]/g, '').toUpperCase();
}

/** True when the (normalised) code looks like an ICD-10 or ICD-10-CM code. */
export function isIcd10Code(code: string): boolean {
  return ICD10_RE.test(normalizeIcd10(code));
}

function readPattern(value: unknown, where: string): CodePattern {
  const [fromRaw, toRaw, extra] = requireString(value, FILE, where).split('-');
  const from = normalizeIcd10(fromRaw ?? '');
  const to = normalizeIcd10(toRaw ?? fromRaw ?? '');
  if (extra !== undefined || !ICD10_RE.test(from) || !ICD10_RE.test(to) || from.length !== to.length || from > to) {
    throw tableError(FILE, where, `"${String(value)}" is not an ICD-10 code or range of equal-length codes`);
  }
  return { from, to };
}

/** Validates a parsed Charlson map (see mappings/tcm/README.md for its shape). */
export function validateCharlsonMap(value: unknown): CharlsonMap {
  const table = requireRecord(value, FILE, '$');
  const categories = requireArray(table['categories'], FILE, 'categories').map((raw, index): CharlsonCategory => {
    const where = `categories[${index}]`;
    const entry = requireRecord(raw, FILE, where);
    const supersedes = entry['supersedes'] === undefined ? [] : requireArray(entry['supersedes'], FILE, `${where}.supersedes`);
    return {
      id: requireString(entry['id'], FILE, `${where}.id`),
      name: requireString(entry['name'], FILE, `${where}.name`),
      weight: requireInteger(entry['weight'], FILE, `${where}.weight`, 1, 6),
      patterns: requireArray(entry['codes'], FILE, `${where}.codes`).map((code, i) => readPattern(code, `${where}.codes[${i}]`)),
      supersedes: supersedes.map((id, i) => requireString(id, FILE, `${where}.supersedes[${i}]`)),
    };
  });
  const ids = new Set(categories.map((category) => category.id));
  if (ids.size !== categories.length) throw tableError(FILE, 'categories', 'category ids must be unique');
  categories.forEach((category, index) => {
    for (const id of category.supersedes) {
      if (!ids.has(id) || id === category.id) throw tableError(FILE, `categories[${index}].supersedes`, `"${id}" is not another category`);
    }
    if (category.patterns.length === 0) throw tableError(FILE, `categories[${index}].codes`, 'expected at least one code');
  });
  return { source: requireString(table['source'], FILE, 'source'), categories };
}

/** Loads and validates `mappings/tcm/charlson-icd10.json` (or the same file under another mappings folder). */
export function loadCharlsonMap(mappingsDir: string = projectPath('mappings')): CharlsonMap {
  return validateCharlsonMap(readTableFile(path.join(mappingsDir, 'tcm', FILE)));
}

const isDigit = (char: string | undefined): boolean => char !== undefined && char >= '0' && char <= '9';

/**
 * Prefix/range match. The code's head must also have digits where the pattern has digits, so ICD-10-CM
 * additions such as C4A or C7A, which Quan 2005 does not list, do not fall inside C45-C58 or C77-C80 by sort order.
 */
function matches(code: string, pattern: CodePattern): boolean {
  const head = code.slice(0, pattern.from.length);
  if (head.length !== pattern.from.length || head < pattern.from || head > pattern.to) return false;
  return [...head].every((char, i) => isDigit(char) === isDigit(pattern.from[i]));
}

/**
 * The Charlson comorbidity score of a patient's ICD-10 (or ICD-10-CM) codes: the sum of the weights of the
 * categories present, each counted once, a superseded milder category not counted. Codes are compared without
 * dots and case. Throws `TCM-INVALID-CODE` (400) for a value that is not shaped like an ICD-10 code.
 */
export function scoreCharlson(icd10Codes: readonly string[], map: CharlsonMap): CharlsonResult {
  const found = new Map<string, CharlsonFinding>();
  for (const raw of icd10Codes) {
    if (!isIcd10Code(raw)) throw new GatewayError('TCM-INVALID-CODE', 'invalid', `"${raw}" is not an ICD-10 code`);
    const code = normalizeIcd10(raw);
    for (const category of map.categories) {
      if (!category.patterns.some((pattern) => matches(code, pattern))) continue;
      const finding = found.get(category.id) ?? { id: category.id, name: category.name, weight: category.weight, codes: [] };
      if (!finding.codes.includes(raw)) finding.codes.push(raw);
      found.set(category.id, finding);
    }
  }
  const superseded = new Set(map.categories.filter((c) => found.has(c.id)).flatMap((c) => c.supersedes));
  const counted = map.categories.filter((c) => found.has(c.id) && !superseded.has(c.id)).map((c) => found.get(c.id));
  const categories = counted.filter((finding): finding is CharlsonFinding => finding !== undefined);
  return {
    score: categories.reduce((sum, finding) => sum + finding.weight, 0),
    categories,
    superseded: map.categories.filter((c) => found.has(c.id) && superseded.has(c.id)).map((c) => c.id),
  };
}
