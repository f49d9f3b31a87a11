/**
 * Reading mapping files: YAML (mappings/hl7v2/**) and JSON (mappings/codes/*.json), each checked against
 * mappings/mapping.schema.json. A bad file stops the gateway at start with its name and the JSON-schema path of
 * the problem (`MAP-FILE-INVALID`, category fault: a deployment error, not a message error).
 */
import fs from 'node:fs';
import path from 'node:path';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { parse as parseYaml } from 'yaml';
import { GatewayError } from '../shared/errors.ts';

/** One mapping file: where it is (relative to the mappings folder) and its parsed, schema-checked content. */
export interface MappingFile {
  readonly file: string;
  readonly stem: string;
  readonly content: Record<string, unknown>;
}

/** The error for a bad mapping file. */
export function fileError(file: string, where: string, problem: string): GatewayError {
  return new GatewayError('MAP-FILE-INVALID', 'fault', `Mapping file ${file} is invalid at ${where === '' ? '/' : where}: ${problem}`);
}

function describe(error: ErrorObject): string {
  const params = error.keyword === 'additionalProperties' ? ` (${String((error.params as { additionalProperty?: string }).additionalProperty)})` : '';
  return `${error.message ?? error.keyword}${params}`;
}

/** Compiles mappings/mapping.schema.json once per registry. */
export function compileMappingSchema(mappingsDir: string): ValidateFunction {
  const schemaFile = path.join(mappingsDir, 'mapping.schema.json');
  let schema: unknown;
  try {
    schema = JSON.parse(fs.readFileSync(schemaFile, 'utf8'));
  } catch (cause) {
    throw new GatewayError('MAP-SCHEMA-MISSING', 'fault', 'mappings/mapping.schema.json cannot be read', { cause });
  }
  const ajv = new Ajv({ allErrors: false, strict: true, strictRequired: false, allowUnionTypes: true });
  return ajv.compile(schema as object);
}

function listFiles(dir: string, extensions: readonly string[]): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => (entry.isDirectory() ? listFiles(path.join(dir, entry.name), extensions) : [path.join(dir, entry.name)]))
    .filter((file) => extensions.some((ext) => file.endsWith(ext)))
    .sort();
}

/** Parses one file (YAML or JSON) and checks it against the schema. */
export function readMappingFile(mappingsDir: string, absolute: string, validate: ValidateFunction): MappingFile {
  const file = path.relative(mappingsDir, absolute).split(path.sep).join('/');
  let content: unknown;
  try {
    const text = fs.readFileSync(absolute, 'utf8');
    content = absolute.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (cause) {
    throw new GatewayError('MAP-FILE-INVALID', 'fault', `Mapping file ${file} cannot be parsed`, { cause });
  }
  if (!validate(content)) {
    const first = validate.errors?.[0];
    throw fileError(file, first?.instancePath ?? '', first === undefined ? 'does not match the schema' : `${describe(first)} (schema ${first.schemaPath})`);
  }
  const stem = path.basename(absolute).replace(/\.(ya?ml|json)$/, '');
  return { file, stem, content: content as Record<string, unknown> };
}

/** Every mapping file under `hl7v2/` and `codes/`, sorted by path. */
export function readMappingFiles(mappingsDir: string): MappingFile[] {
  const validate = compileMappingSchema(mappingsDir);
  const files = [...listFiles(path.join(mappingsDir, 'hl7v2'), ['.yaml', '.yml']), ...listFiles(path.join(mappingsDir, 'codes'), ['.json'])];
  return files.map((file) => readMappingFile(mappingsDir, file, validate));
}
