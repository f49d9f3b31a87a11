/**
 * Compiles the derived FHIR R4 schema with ajv 8. https://ajv.js.org/options.html
 *
 * Two variants of the same schema:
 * - `fast` (`allErrors: false`) answers "valid?" and stops at the first problem. Every resource goes through it.
 * - `detailed` (`allErrors: true`) collects every problem with its path. It only runs on resources the fast
 *   variant rejected, so its ~30% lower throughput (measured: bench/validation.ts) costs nothing on valid input.
 *
 * Options: draft-06 meta-schema (the schema's `$schema`); `discriminator: true` (dispatch on resourceType);
 * `strictTypes: false` (the schema puts `required`/`properties` beside `$ref`s without `type`, which would
 * log ~2,000 warnings); `$data: false` (CVE-2025-69873: `$data` patterns are the ReDoS vector);
 * `messages: false` (issues get our own texts). The schema's 16 patterns are all linear on V8 (no nested
 * quantifiers over overlapping classes), so the default RegExp engine is kept; test/validation covers them
 * with long crafted strings.
 *
 * Caching: a compile takes about 1 s on the reference machine (2–4 s under load), and tests build many
 * apps, so each compiled variant is memoized for the life of the process. This is the one piece of
 * module state in validation and it is sound: the input is the immutable schema of an installed package,
 * and a compiled ajv function keeps no state between calls besides its last `errors`, which callers read
 * synchronously right after calling it.
 */
import { createRequire } from 'node:module';
import { Ajv, type Options, type ValidateFunction } from 'ajv';
import { type FhirJsonSchema, deriveFhirSchema, listResourceTypes, readPlainFhirSchema } from './fhir-schema.ts';

export type FhirSchemaVariant = 'fast' | 'detailed';

export interface CompiledFhirSchema {
  validate: ValidateFunction;
  /** The 146 R4 resource types the schema dispatches on. */
  resourceTypes: ReadonlySet<string>;
  /** Wall time of the compile that produced this entry, in milliseconds. */
  compileMs: number;
}

/** ajv options for the derived schema; exported for the benchmark and the tests. */
export function buildAjvOptions(variant: FhirSchemaVariant): Options {
  return { strictTypes: false, discriminator: true, $data: false, messages: false, allErrors: variant === 'detailed' };
}

/** Creates an ajv instance that knows the draft-06 meta-schema the FHIR schema declares. */
export function createDraft06Ajv(options: Options): Ajv {
  const ajv = new Ajv(options);
  const metaSchema: unknown = createRequire(import.meta.url)('ajv/dist/refs/json-schema-draft-06.json');
  ajv.addMetaSchema(metaSchema as object);
  return ajv;
}

let derivedSchema: FhirJsonSchema | undefined;
const compiled = new Map<FhirSchemaVariant, CompiledFhirSchema>();

/** The derived schema, built once per process from the npm package (see the module comment). */
export function getDerivedFhirSchema(): FhirJsonSchema {
  derivedSchema ??= deriveFhirSchema(readPlainFhirSchema());
  return derivedSchema;
}

/** Compiles (once per process) and returns a variant of the derived FHIR schema. */
export function compileFhirSchema(variant: FhirSchemaVariant): CompiledFhirSchema {
  const cached = compiled.get(variant);
  if (cached) return cached;
  const schema = getDerivedFhirSchema();
  const started = performance.now();
  const validate = createDraft06Ajv(buildAjvOptions(variant)).compile(schema);
  const entry: CompiledFhirSchema = {
    validate,
    resourceTypes: new Set(listResourceTypes(schema)),
    compileMs: performance.now() - started,
  };
  compiled.set(variant, entry);
  return entry;
}
