/**
 * ADT event semantics over real MLLP (DOMAIN.md §4; RELIABILITY.md cases 24–29, 32): ACK shape in original
 * and enhanced mode, resends, control-id reuse, out-of-order admit/discharge, cancels, stale updates,
 * transfers, merges, and the refusal classes.
 */
import type { Bundle, Encounter, Patient } from 'fhir/r4.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, startTestApp } from '../support/app.ts';
import { enginesUnderTest } from '../support/databases.ts';
import { adt } from '../support/hl7-messages.ts';
import { type MllpClient, connectMllp, hl7Field } from '../support/mllp.ts';

describe.each(enginesUnderTest())('ADT semantics over MLLP on %s', (engine) => {
  let t: TestApp;
  let mllp: MllpClient;
  const search = async (query: string) => ((await (await t.api(query)).json()) as Bundle).entry?.map((e) => e.resource) ?? [];
  const encounterFor = async (visit: string) => (await search(`/Encounter?identifier=${encodeURIComponent(visit)}`))[0] as Encounter | undefined;
  const send = async (message: string) => (await mllp.send(message))[0] as string;

  beforeAll(async () => {
    t = await startTestApp(engine);
    mllp = await connectMllp(t.mllpPort);
  });
  afterAll(async () => {
    mllp.close();
    await t.close();
  });

  it('case 24: an original-mode ACK echoes MSH-10, swaps applications, has its own control id', async () => {
    const ack = await send(adt({ trigger: 'A01', controlId: 'ACK-1', eventTime: '20260301080000', visit: 'V-ACK', mrn: 'M-ACK' }));
    expect(hl7Field(ack, 'MSA', 1)).toBe('AA');
    expect(hl7Field(ack, 'MSA', 2)).toBe('ACK-1');
    expect(hl7Field(ack, 'MSH', 3)).toBe('CAREBRIDGE');
    expect(hl7Field(ack, 'MSH', 4)).toBe('HIE');
    expect(hl7Field(ack, 'MSH', 5)).toBe('PAS');
    expect(hl7Field(ack, 'MSH', 6)).toBe('NORTHRIV');
    expect(hl7Field(ack, 'MSH', 10)).not.toBe('ACK-1');
    const again = await send(adt({ trigger: 'A08', controlId: 'ACK-2', eventTime: '20260301090000', visit: 'V-ACK', mrn: 'M-ACK' }));
    expect(hl7Field(again, 'MSH', 10)).not.toBe(hl7Field(ack, 'MSH', 10));
  });

  it('case 24: enhanced mode gets CA on safe receipt, then AA', async () => {
    const acks = await mllp.send(adt({ trigger: 'A01', controlId: 'ENH-1', eventTime: '20260301080000', visit: 'V-ENH', mrn: 'M-ENH', acceptAck: 'AL', applicationAck: 'AL' }), 2);
    expect(acks.map((a) => hl7Field(a, 'MSA', 1))).toEqual(['CA', 'AA']);
    expect(acks.every((a) => hl7Field(a, 'MSA', 2) === 'ENH-1')).toBe(true);
  });

  it('case 25: the same message three times gets the same ACK and one Encounter version', async () => {
    const message = adt({ trigger: 'A03', controlId: 'DUP-1', eventTime: '20260302160000', visit: 'V-DUP', mrn: 'M-DUP', admitTime: '20260301080000', dischargeTime: '20260302150000', disposition: '01' });
    const acks = [await send(message), await send(message), await send(message)];
    expect(new Set(acks).size).toBe(1);
    expect(hl7Field(acks[0] as string, 'MSA', 1)).toBe('AA');
    const encounter = await encounterFor('V-DUP');
    expect(encounter?.meta?.versionId).toBe('1');
    const history = (await (await t.api(`/Encounter/${encounter?.id}/_history`)).json()) as Bundle;
    expect(history.entry).toHaveLength(1);
  });

  it('case 26: a reused control id with different content is processed as a new message', async () => {
    await send(adt({ trigger: 'A01', controlId: 'REUSE', eventTime: '20260303080000', visit: 'V-R1', mrn: 'M-R1' }));
    const second = await send(adt({ trigger: 'A01', controlId: 'REUSE', eventTime: '20260303090000', visit: 'V-R2', mrn: 'M-R2' }));
    expect(hl7Field(second, 'MSA', 1)).toBe('AA');
    expect(await encounterFor('V-R2')).toBeDefined();
  });

  it('case 27: a discharge that arrives before its admit ends finished with the right period', async () => {
    await send(adt({ trigger: 'A03', controlId: 'OOO-3', eventTime: '20260304140000', visit: 'V-OOO', mrn: 'M-OOO', admitTime: '20260304080000', dischargeTime: '20260304140000', disposition: '01' }));
    await send(adt({ trigger: 'A01', controlId: 'OOO-1', eventTime: '20260304080000', visit: 'V-OOO', mrn: 'M-OOO', admitTime: '20260304080000' }));
    const encounter = await encounterFor('V-OOO');
    expect(encounter?.status).toBe('finished');
    expect(encounter?.period?.start?.slice(0, 16)).toBe('2026-03-04T08:00');
    expect(encounter?.period?.end?.slice(0, 16)).toBe('2026-03-04T14:00');
  });

  it('case 28: A13 reopens a discharge; A11 cancels an admit; a stale A08 does not overwrite newer data', async () => {
    await send(adt({ trigger: 'A03', controlId: 'C13-3', eventTime: '20260305140000', visit: 'V-C13', mrn: 'M-C13', admitTime: '20260305080000', dischargeTime: '20260305140000', disposition: '01' }));
    await send(adt({ trigger: 'A13', controlId: 'C13-13', eventTime: '20260305150000', visit: 'V-C13', mrn: 'M-C13', admitTime: '20260305080000' }));
    const reopened = await encounterFor('V-C13');
    expect(reopened?.status).toBe('in-progress');
    expect(reopened?.period?.end).toBeUndefined();
    await send(adt({ trigger: 'A01', controlId: 'C11-1', eventTime: '20260306080000', visit: 'V-C11', mrn: 'M-C11' }));
    await send(adt({ trigger: 'A11', controlId: 'C11-11', eventTime: '20260306090000', visit: 'V-C11', mrn: 'M-C11' }));
    expect(['entered-in-error', 'cancelled']).toContain((await encounterFor('V-C11'))?.status);
    await send(adt({ trigger: 'A08', controlId: 'ST-NEW', eventTime: '20260307120000', visit: 'V-ST', mrn: 'M-ST', family: 'Newer' }));
    await send(adt({ trigger: 'A08', controlId: 'ST-OLD', eventTime: '20260307080000', visit: 'V-ST', mrn: 'M-ST', family: 'Older' }));
    const patient = (await search('/Patient?identifier=M-ST'))[0] as Patient;
    expect(patient.name?.[0]?.family).toBe('Newer');
  });

  it('an update without visit dates keeps the known status and start; a first-seen visit without a start is refused', async () => {
    await send(adt({ trigger: 'A01', controlId: 'UPD-1', eventTime: '20260313080000', visit: 'V-UPD', mrn: 'M-UPD' }));
    const update = await send(adt({ trigger: 'A08', controlId: 'UPD-8', eventTime: '20260313100000', visit: 'V-UPD', mrn: 'M-UPD', admitTime: '', family: 'Updated' }));
    expect(hl7Field(update, 'MSA', 1)).toBe('AA');
    const encounter = await encounterFor('V-UPD');
    expect(encounter?.status).toBe('in-progress');
    expect(encounter?.period?.start?.slice(0, 16)).toBe('2026-03-13T08:00');
    const unknown = await send(adt({ trigger: 'A08', controlId: 'UPD-NEW', eventTime: '20260313100000', visit: 'V-NEVER-SEEN', mrn: 'M-UPD', admitTime: '' }));
    expect(hl7Field(unknown, 'MSA', 1)).toBe('AE');
  });

  it('adds transfers to the location history and merges patients with A40', async () => {
    await send(adt({ trigger: 'A01', controlId: 'TR-1', eventTime: '20260308080000', visit: 'V-TR', mrn: 'M-TR', location: 'WARD1^BED1^1^NORTHRIV' }));
    await send(adt({ trigger: 'A02', controlId: 'TR-2', eventTime: '20260308120000', visit: 'V-TR', mrn: 'M-TR', location: 'WARD2^BED4^1^NORTHRIV' }));
    const transferred = await encounterFor('V-TR');
    expect(transferred?.location?.length).toBe(2);
    expect(transferred?.location?.[0]?.status).toBe('completed');
    await send(adt({ trigger: 'A28', controlId: 'MG-1', eventTime: '20260309080000', mrn: 'M-LOSER', family: 'Merged' }));
    await send(adt({ trigger: 'A28', controlId: 'MG-2', eventTime: '20260309080100', mrn: 'M-SURVIVOR', family: 'Merged' }));
    const merge = await send(adt({ trigger: 'A40', controlId: 'MG-40', eventTime: '20260309090000', mrn: 'M-SURVIVOR', family: 'Merged', messageType: 'ADT', extra: ['MRG|M-LOSER^^^NORTHRIV^MR'] }));
    expect(hl7Field(merge, 'MSA', 1)).toBe('AA');
    const byOld = (await search('/Patient?identifier=M-LOSER')) as Patient[];
    const survivor = byOld.find((p) => p.active !== false);
    expect(survivor?.identifier?.map((i) => i.value)).toEqual(expect.arrayContaining(['M-SURVIVOR', 'M-LOSER']));
    const loser = byOld.find((p) => p.active === false);
    expect(loser?.link?.[0]).toMatchObject({ type: 'replaced-by', other: { reference: `Patient/${survivor?.id}` } });
  });

  it('case 29: envelope problems get AR, content problems AE with ERR; the raw message is kept; the listener stays up', async () => {
    const unknownType = await send(adt({ trigger: 'Z99', controlId: 'BAD-TYPE', eventTime: '20260310080000', messageType: 'ZZZ' }));
    expect(hl7Field(unknownType, 'MSA', 1)).toBe('AR');
    const badVersion = await send(adt({ trigger: 'A01', controlId: 'BAD-VER', eventTime: '20260310080000', version: '2.1' }));
    expect(hl7Field(badVersion, 'MSA', 1)).toBe('AR');
    expect(badVersion).toMatch(/\rERR\|/);
    const noPid3 = adt({ trigger: 'A01', controlId: 'BAD-PID', eventTime: '20260310080000' }).replace(/PID\|1\|\|[^|]*\|/, 'PID|1|||');
    const content = await send(noPid3);
    expect(hl7Field(content, 'MSA', 1)).toBe('AE');
    expect(content).toMatch(/\rERR\|\|PID\^1\^3/);
    const rows = await t.database.db.query<{ control_id: string; status: string }>("select control_id, status from hl7_message where control_id in ('BAD-TYPE', 'BAD-VER', 'BAD-PID') order by control_id");
    expect(rows.map((r) => [r.control_id, r.status])).toEqual([['BAD-PID', 'quarantined'], ['BAD-TYPE', expect.stringMatching(/rejected|quarantined/)], ['BAD-VER', 'rejected']]);
    const garbage = await mllp.send('this is not HL7 at all');
    expect(hl7Field(garbage[0] as string, 'MSA', 1)).toBe('AR');
    expect(hl7Field(await send(adt({ trigger: 'A01', controlId: 'AFTER-BAD', eventTime: '20260310090000', visit: 'V-AFTER' })), 'MSA', 1)).toBe('AA');
  });

  it('case 32: the same MRN under another assigning authority is another patient', async () => {
    await send(adt({ trigger: 'A01', controlId: 'XF-1', eventTime: '20260311080000', mrn: 'SAME-123', facility: 'NORTHRIV', visit: 'V-XF1' }));
    await send(adt({ trigger: 'A08', controlId: 'XF-2', eventTime: '20260311090000', mrn: 'SAME-123', facility: 'SOUTHVALE', visit: 'V-XF2' }));
    const patients = (await search('/Patient?identifier=SAME-123')) as Patient[];
    expect(patients).toHaveLength(2);
  });

  it('links a hospital record to the existing patient by a verified NHS number', async () => {
    const nhs = '9990000018';
    const existing = (await (await t.api('/Patient', { method: 'POST', headers: { 'content-type': 'application/fhir+json' }, body: JSON.stringify({ resourceType: 'Patient', identifier: [{ system: 'https://fhir.nhs.uk/Id/nhs-number', value: nhs }], name: [{ family: 'Practice' }] }) })).json()) as Patient;
    await send(adt({ trigger: 'A01', controlId: 'NHS-1', eventTime: '20260312080000', mrn: 'M-NHS', nhsNumber: nhs, visit: 'V-NHS' }));
    const encounter = await encounterFor('V-NHS');
    expect(encounter?.subject?.reference).toBe(`Patient/${existing.id}`);
    await send(adt({ trigger: 'A01', controlId: 'NHS-BAD', eventTime: '20260312090000', mrn: 'M-NHSBAD', nhsNumber: '9990000019', visit: 'V-NHSBAD' }));
    expect((await encounterFor('V-NHSBAD'))?.subject?.reference).not.toBe(`Patient/${existing.id}`);
  });

  it('links the sending facility to the Organization registered under its ODS code instead of writing another', async () => {
    const ods = { system: 'https://fhir.nhs.uk/Id/ods-organization-code', value: 'ZSV' };
    await t.api('/Organization/org-registered-southvale', { method: 'PUT', headers: { 'content-type': 'application/fhir+json' }, body: JSON.stringify({ resourceType: 'Organization', id: 'org-registered-southvale', name: 'Southvale (registered)', identifier: [ods] }) });
    await send(adt({ trigger: 'A01', controlId: 'ORG-1', eventTime: '20260313080000', mrn: 'M-ORG', facility: 'ZSV', visit: 'V-ORG', location: 'WARD2^BED1^1^ZSV' }));
    const organizations = (await search(`/Organization?identifier=${encodeURIComponent(`${ods.system}|${ods.value}`)}`)).map((o) => o?.id);
    expect(organizations).toEqual(['org-registered-southvale']);
    const encounter = await encounterFor('V-ORG');
    const references = JSON.stringify(encounter).match(/Organization\/[\w.-]+/g) ?? [];
    expect(references.length).toBeGreaterThan(0);
    expect(new Set(references)).toEqual(new Set(['Organization/org-registered-southvale']));
    expect(((await (await t.api('/Organization/org-registered-southvale')).json()) as { name?: string }).name).toBe('Southvale (registered)');
  });
});
