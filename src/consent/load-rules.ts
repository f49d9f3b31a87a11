/**
 * Reads the consent tables kept as data (`mappings/consent/`, `mappings/security-labels/`) once, at boot,
 * and validates them. The result is passed explicitly to `decideAccess`, `factsOf` and `labelResource`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { GatewayError } from '../shared/errors.ts';
import { projectPath } from '../shared/paths.ts';
import type { ConsentRules } from './types.ts';
import {
  validateCategories,
  validateClinicalDates,
  validateCodeList,
  validatePurposes,
  validateSources,
  validateStringMap,
} from './validate-rules.ts';

function readJson(file: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (cause) {
    throw new GatewayError('CNS-RULES-MISSING', 'fault', `Consent rule file ${path.basename(file)} cannot be read`, { cause });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (cause) {
    throw new GatewayError('CNS-RULES-INVALID', 'fault', `Consent rule file ${path.basename(file)} is not JSON`, { cause });
  }
}

function listCodeLists(dir: string): string[] {
  try {
    return fs
      .readdirSync(dir)
      .filter((name) => name.endsWith('.codes.json'))
      .sort();
  } catch (cause) {
    throw new GatewayError('CNS-RULES-MISSING', 'fault', 'The security-label folder cannot be read', { cause });
  }
}

/**
 * Loads and validates every consent table.
 * @param mappingsDir the folder holding `consent/` and `security-labels/` (defaults to the project's `mappings/`)
 */
export function loadConsentRules(mappingsDir: string = projectPath('mappings')): ConsentRules {
  const consentDir = path.join(mappingsDir, 'consent');
  const labelsDir = path.join(mappingsDir, 'security-labels');
  const codeListFiles = listCodeLists(labelsDir);
  const codeLists = codeListFiles.map((name) => validateCodeList(readJson(path.join(labelsDir, name)), name));
  const ids = new Set(codeLists.map((list) => list.id));
  if (ids.size !== codeLists.length) {
    throw new GatewayError('CNS-RULES-INVALID', 'fault', 'Consent code lists must have unique ids');
  }
  return {
    categories: validateCategories(readJson(path.join(labelsDir, 'categories.json')), 'categories.json'),
    purposes: validatePurposes(readJson(path.join(consentDir, 'purpose-of-use.json')), 'purpose-of-use.json'),
    aliases: validateStringMap(readJson(path.join(consentDir, 'system-aliases.json')), 'aliases', 'system-aliases.json'),
    codeLists,
    sourceLabels: validateSources(readJson(path.join(labelsDir, 'sources.json')), 'sources.json'),
    clinicalDates: validateClinicalDates(readJson(path.join(consentDir, 'clinical-dates.json')), 'clinical-dates.json'),
  };
}
