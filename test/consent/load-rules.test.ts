/** `loadConsentRules`: the tables in `mappings/` load and validate; a broken table fails at boot. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConsentRules } from '../../src/consent/load-rules.ts';
import { projectPath } from '../../src/shared/paths.ts';
import { GatewayError } from '../../src/shared/errors.ts';
import { RULES } from './consent-fixtures.ts';

const temps: string[] = [];
afterEach(() => {
  for (const dir of temps.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

/** A copy of the project's mappings with one file replaced (or removed when `text` is undefined). */
function mappingsWith(relative: string, text: string | undefined): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'consent-rules-'));
  temps.push(dir);
  for (const sub of ['consent', 'security-labels']) fs.cpSync(projectPath('mappings', sub), path.join(dir, sub), { recursive: true });
  const target = path.join(dir, relative);
  if (text === undefined) fs.rmSync(target);
  else fs.writeFileSync(target, text);
  return dir;
}

function errorCode(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    return error instanceof GatewayError ? `${error.code}` : String(error);
  }
  return 'no error';
}

describe('loadConsentRules', () => {
  it('loads the project tables', () => {
    expect(RULES.codeLists.map((list) => list.id).sort()).toEqual(['hiv', 'mental-health', 'safeguarding', 'sexual-reproductive-health', 'substance-use']);
    expect(RULES.categories.map((category) => category.id)).toContain('very-restricted');
    expect(RULES.categories.find((category) => category.id === 'very-restricted')?.breakGlass).toBe(false);
    expect(RULES.sourceLabels['social-care']).toEqual([{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'SOC' }]);
    expect(RULES.purposes.directCare).toEqual(['TREAT', 'CAREMGT']);
    expect(RULES.clinicalDates['*']).toEqual(['meta.lastUpdated']);
  });

  it('labels every code-list label with a category the decision gates on', () => {
    const known = RULES.categories.flatMap((category) => category.labels.map((l) => `${l.system}|${l.code}`));
    for (const list of RULES.codeLists) {
      for (const l of list.labels) expect(known).toContain(`${l.system}|${l.code}`);
    }
  });

  it.each([
    ['a file that is not JSON', 'security-labels/hiv.codes.json', '{', 'CNS-RULES-INVALID'],
    ['a missing categories file', 'security-labels/categories.json', undefined, 'CNS-RULES-MISSING'],
    ['a code list without include', 'security-labels/hiv.codes.json', '{"id":"hiv","labels":[],"include":[]}', 'CNS-RULES-INVALID'],
    ['a matcher with codes and a range', 'security-labels/hiv.codes.json', '{"id":"hiv","labels":[],"include":[{"system":"s","codes":["1"],"from":"A","to":"B"}]}', 'CNS-RULES-INVALID'],
    ['a range without an end', 'security-labels/hiv.codes.json', '{"id":"hiv","labels":[],"include":[{"system":"s","from":"A"}]}', 'CNS-RULES-INVALID'],
    ['a duplicate code-list id', 'security-labels/hiv.codes.json', '{"id":"mental-health","labels":[],"include":[{"system":"s","codes":["1"]}]}', 'CNS-RULES-INVALID'],
    ['a label without a system', 'security-labels/categories.json', '{"categories":[{"id":"x","labels":[{"code":"V"}],"breakGlass":false,"propagates":true}]}', 'CNS-RULES-INVALID'],
    ['a category without flags', 'security-labels/categories.json', '{"categories":[{"id":"x","labels":[]}]}', 'CNS-RULES-INVALID'],
    ['a source kind left out', 'security-labels/sources.json', '{"sources":{"hospital":[]}}', 'CNS-RULES-INVALID'],
    ['a purpose loop', 'consent/purpose-of-use.json', '{"parents":{"A":"B","B":"A"},"directCare":[],"emergency":[]}', 'CNS-RULES-INVALID'],
    ['clinical dates without a fallback', 'consent/clinical-dates.json', '{"dates":{"Observation":["issued"]}}', 'CNS-RULES-INVALID'],
    ['aliases that are not strings', 'consent/system-aliases.json', '{"aliases":{"a":1}}', 'CNS-RULES-INVALID'],
  ])('refuses %s', (_name, file, text, expected) => {
    const dir = mappingsWith(file, text);
    expect(errorCode(() => loadConsentRules(dir))).toBe(expected);
  });

  it('refuses a folder without the security labels', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'consent-rules-'));
    temps.push(dir);
    expect(errorCode(() => loadConsentRules(dir))).toBe('CNS-RULES-MISSING');
  });
});
