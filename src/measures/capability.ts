/**
 * What the CapabilityStatement says about `MeasureReport/$compute` (https://hl7.org/fhir/R4/capabilitystatement.html):
 * its parameters and the measures it knows, from `mappings/measures/`.
 */
import type { CapabilityStatement } from 'fhir/r4.js';
import type { MeasureDefinition } from './definitions.ts';

export function describeCompute(statement: CapabilityStatement, definitions: ReadonlyMap<string, MeasureDefinition>): CapabilityStatement {
  const resource = statement.rest?.[0]?.resource?.find((r) => r.type === 'MeasureReport');
  const operation = resource?.operation?.find((o) => o.name === 'compute');
  if (operation) {
    operation.documentation =
      'GET MeasureReport/$compute?measure={id}&subject=Group/{roster}&periodStart=YYYY-MM-DD&periodEnd=YYYY-MM-DD ' +
      `(system/MeasureReport.rs). Measures: ${[...definitions.values()].map((d) => `${d.id} (${d.title})`).join('; ')}.`;
  }
  return statement;
}
