/**
 * Our constraint profiles: JSON Schemas in `profiles/*.schema.json`, each identified by a canonical URL
 * (`https://carebridge.dev/fhir/StructureDefinition/<name>`) and applied on top of the HL7 R4 schema.
 * A profile applies when a resource's `meta.profile` lists its canonical, or when the caller asks for it.
 * https://hl7.org/fhir/R4/profiling.html , https://hl7.org/fhir/R4/resource.html#Meta (meta.profile)
 */
import fs from 'node:fs';
import path from 'node:path';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { GatewayError } from '../shared/errors.ts';
import { isRecord } from '../shared/json.ts';

/** Base of every carebridge profile canonical. */
export const PROFILE_CANONICAL_BASE = 'https://carebridge.dev/fhir/StructureDefinition/';

/** Files in the profiles folder that hold a profile. */
export const PROFILE_FILE_SUFFIX = '.schema.json';

export interface Profile {
  /** Canonical URL (the schema's `$id`). */
  url: string;
  /** Short name (the schema's `title`, also the file name). */
  name: string;
  /** The resource type it constrains (`properties.resourceType.const`). */
  type: string;
  validate: ValidateFunction;
}

export interface ProfileSet {
  /** Finds a profile by canonical URL; a `|version` suffix is ignored. */
  find(canonical: string): Profile | undefined;
  list(): Profile[];
}

interface ProfileHeader {
  $id: string;
  title: string;
  description: string;
  type: string;
}

/**
 * Reads and compiles every `*.schema.json` in `dir` (sorted by file name). Throws `VAL-PROFILE` when a
 * file is not a well-formed profile, so a broken profile stops the gateway at boot.
 */
export function loadProfiles(dir: string): ProfileSet {
  // strictTypes off: a profile adds `minItems`/`required` without repeating the `type` the base schema checks.
  const ajv = new Ajv({ allErrors: true, verbose: true, messages: false, $data: false, strictTypes: false });
  const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((file) => file.endsWith(PROFILE_FILE_SUFFIX)).sort() : [];
  const byUrl = new Map<string, Profile>();
  for (const file of files) {
    const schema: unknown = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
    const header = readProfileHeader(schema, file.slice(0, -PROFILE_FILE_SUFFIX.length));
    const validate = ajv.compile(schema as object);
    byUrl.set(header.$id, { url: header.$id, name: header.title, type: header.type, validate });
  }
  return {
    find: (canonical) => byUrl.get(canonical.split('|')[0] ?? canonical),
    list: () => [...byUrl.values()],
  };
}

/**
 * Checks the parts of a profile schema the gateway relies on: canonical `$id` ending in the file name,
 * `title` equal to that name, a `description`, and `properties.resourceType.const`.
 */
export function readProfileHeader(schema: unknown, name: string): ProfileHeader {
  const fail = (what: string): never => {
    throw new GatewayError('VAL-PROFILE', 'fault', `Profile ${name}: ${what}`);
  };
  if (!isRecord(schema)) return fail('not a JSON object');
  if (schema.$id !== `${PROFILE_CANONICAL_BASE}${name}`) fail(`$id must be ${PROFILE_CANONICAL_BASE}${name}`);
  if (schema.title !== name) fail('title must equal the file name');
  if (typeof schema.description !== 'string' || schema.description.trim() === '') fail('needs a description');
  const properties = isRecord(schema.properties) ? schema.properties : {};
  const resourceType = isRecord(properties.resourceType) ? properties.resourceType.const : undefined;
  if (typeof resourceType !== 'string') return fail('needs properties.resourceType.const');
  return { $id: `${PROFILE_CANONICAL_BASE}${name}`, title: name, description: schema.description as string, type: resourceType };
}

/** The canonicals a resource claims in `meta.profile` (non-strings skipped; the schema reports them). */
export function readClaimedProfiles(resource: Record<string, unknown>): string[] {
  const meta = resource.meta;
  if (meta === undefined || !isRecord(meta) || !Array.isArray(meta.profile)) return [];
  return meta.profile.filter((entry): entry is string => typeof entry === 'string');
}

/** The rule text of a failing profile subschema: its `description`, except for `required` (whole-schema text). */
export function describeProfileRule(error: ErrorObject): string | undefined {
  if (error.keyword === 'required') return undefined;
  const parent: unknown = error.parentSchema;
  return isRecord(parent) && typeof parent.description === 'string' && parent.$id === undefined ? parent.description : undefined;
}
