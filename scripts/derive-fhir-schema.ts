/**
 * Writes the derived FHIR R4 schema (the HL7 `fhir.schema.json` from the npm package, patched for ajv 8 by
 * src/validation/fhir-schema.ts) to profiles/generated/ for inspection. The gateway never reads this
 * file: it derives the same schema in memory at start-up. The folder is git-ignored.
 * Run: `npx tsx scripts/derive-fhir-schema.ts [output-file]`
 */
import fs from 'node:fs';
import path from 'node:path';
import { projectPath } from '../src/shared/paths.ts';
import { deriveFhirSchema, listResourceTypes, readPlainFhirSchema } from '../src/validation/fhir-schema.ts';

const target = path.resolve(process.argv[2] ?? projectPath('profiles', 'generated', 'fhir-r4.discriminated.schema.json'));
const schema = deriveFhirSchema(readPlainFhirSchema());
fs.mkdirSync(path.dirname(target), { recursive: true });
fs.writeFileSync(target, `${JSON.stringify(schema, null, 1)}\n`);
const definitions = Object.keys(schema.definitions).length;
console.log(`wrote ${listResourceTypes(schema).length} resource types, ${definitions} definitions to ${path.relative(process.cwd(), target)}`);
