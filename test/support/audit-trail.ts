/** Checks on what a test gateway left in its audit log. */
import type { AuditEvent } from 'fhir/r4.js';
import { expect } from 'vitest';
import type { App } from '../../src/app.ts';

/**
 * Every AuditEvent the gateway wrote is valid FHIR R4 (the audit log does not validate on write); returns
 * the events for further checks.
 */
export async function expectValidAuditTrail(app: App): Promise<AuditEvent[]> {
  const rows = await app.db.query<{ content: AuditEvent }>('select content from audit_event order by seq');
  expect(rows.length).toBeGreaterThan(0);
  const problems = rows.flatMap(({ content }) =>
    app.validator.validate(content).filter((issue) => issue.severity === 'error' || issue.severity === 'fatal').map((issue) => `${content.id}: ${issue.diagnostics ?? issue.code}`),
  );
  expect(problems).toEqual([]);
  return rows.map((row) => row.content);
}
