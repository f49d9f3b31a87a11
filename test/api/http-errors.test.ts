/** Transport behaviour: always FHIR JSON, OperationOutcomes for every error, no leaks. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FHIR_JSON, type TestApp, jsonBody, startTestApp } from '../support/app.ts';

describe('FHIR HTTP transport', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('pglite', { BODY_LIMIT: '64kb' });
  });
  afterAll(() => t.close());

  async function expectOutcome(response: Response, status: number) {
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toBe('application/fhir+json; charset=utf-8');
    const body = (await response.json()) as { resourceType: string; issue: { diagnostics?: string }[] };
    expect(body.resourceType).toBe('OperationOutcome');
    const text = JSON.stringify(body);
    expect(text).not.toMatch(/at .*\.ts:\d+|Error:|select |insert |node_modules/i);
    return body;
  }

  it('answers unknown routes and types with 404 OperationOutcomes, never HTML', async () => {
    await expectOutcome(await fetch(`${t.baseUrl}/nothing-here`), 404);
    await expectOutcome(await fetch(`${t.baseUrl}/nothing-here`, { headers: { accept: 'text/html' } }), 404);
    await expectOutcome(await t.api('/Unicorn'), 404);
    await expectOutcome(await t.api('/Unicorn/1'), 404);
    await expectOutcome(await t.api('/Patient/does-not-exist'), 404);
    await expectOutcome(await t.api('/Patient/1/_history/1/extra'), 404);
  });

  it('uses FHIR JSON without an Accept header, echoes X-Request-Id and hides the framework', async () => {
    const response = await fetch(`${t.fhirBase}/metadata`, { headers: { 'x-request-id': 'trace-123' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/fhir+json; charset=utf-8');
    expect(response.headers.get('x-request-id')).toBe('trace-123');
    expect(response.headers.get('x-powered-by')).toBeNull();
    const generated = await t.api('/metadata');
    expect(generated.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('refuses XML with 406 and honours _format=json and _pretty', async () => {
    await expectOutcome(await t.api('/metadata?_format=xml'), 406);
    await expectOutcome(await t.api('/metadata', { headers: { accept: 'application/fhir+xml' } }), 406);
    const pretty = await t.api('/metadata?_format=json&_pretty=true');
    expect(pretty.status).toBe(200);
    expect(await pretty.text()).toContain('\n  "resourceType": "CapabilityStatement"');
  });

  it('rejects malformed bodies: bad JSON 400, invalid UTF-8 400, wrong type 415, too large 413, 1e400 400', async () => {
    await expectOutcome(await t.api('/Patient', { method: 'POST', headers: { 'content-type': FHIR_JSON }, body: '{"resourceType":"Patient",' }), 400);
    await expectOutcome(await t.api('/Patient', { method: 'POST', headers: { 'content-type': FHIR_JSON }, body: Buffer.from([0x7b, 0xff, 0xfe, 0x7d]) }), 400);
    await expectOutcome(await t.api('/Patient', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{}' }), 415);
    await expectOutcome(await t.api('/Patient', { method: 'POST', headers: { 'content-type': 'application/xml' }, body: '<!DOCTYPE x><Patient/>' }), 415);
    const big = { resourceType: 'Patient', text: { status: 'generated', div: `<div xmlns="http://www.w3.org/1999/xhtml">${'x'.repeat(70_000)}</div>` } };
    await expectOutcome(await t.api('/Patient', jsonBody(big)), 413);
    await expectOutcome(await t.api('/Patient', { method: 'POST', headers: { 'content-type': FHIR_JSON }, body: '{"resourceType":"Observation","valueQuantity":{"value":1e400}}' }), 400);
    const deep = `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`;
    const response = await t.api('/Patient', { method: 'POST', headers: { 'content-type': FHIR_JSON }, body: deep });
    expect([400, 422]).toContain(response.status);
    await expectOutcome(response, response.status);
  });

  it('rejects an invalid resource with 422, issues with expressions, and never echoes it', async () => {
    const response = await t.api('/Patient', jsonBody({ resourceType: 'Patient', gender: 'SECRET-VALUE-xyz', unknownThing: 1 }));
    const body = await expectOutcome(response, 422);
    const text = JSON.stringify(body);
    expect(text).not.toContain('SECRET-VALUE-xyz');
    expect(text).toContain('Patient.gender');
    expect(text).toContain('Patient.unknownThing');
  });

  it('rejects a body whose type differs from the URL, and a body without resourceType', async () => {
    await expectOutcome(await t.api('/Patient', jsonBody({ resourceType: 'Observation', status: 'final', code: { text: 'x' } })), 400);
    await expectOutcome(await t.api('/Patient', jsonBody({ name: [{ family: 'X' }] })), 400);
  });

  it('serves liveness, readiness and metrics', async () => {
    expect((await fetch(`${t.baseUrl}/livez`)).status).toBe(200);
    expect((await fetch(`${t.baseUrl}/healthz`)).status).toBe(200);
    expect((await fetch(`${t.baseUrl}/readyz`)).status).toBe(200);
    const metrics = await (await fetch(`${t.baseUrl}/metrics`)).text();
    expect(metrics).toContain('carebridge_http_requests_total');
    expect(metrics).toContain('carebridge_http_request_duration_seconds_bucket');
    expect(metrics).toContain('carebridge_db_pool_total');
  });
});
