/**
 * The MLLP transport over real TCP (RELIABILITY.md cases 23, 33) and HL7 over HTTP (case 34): frames split
 * to single bytes, several frames per write, garbage, oversized and never-finished frames, connection caps,
 * idle timeouts; HTTP authentication, media type and size limits, and the same dedup across channels.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeFrame } from '../../src/ingest/mllp/framer.ts';
import { type TestApp, startTestApp } from '../support/app.ts';
import { registerClient, tokenFor } from '../support/clients.ts';
import { adt } from '../support/hl7-messages.ts';
import { connectMllp, hl7Field } from '../support/mllp.ts';

describe('MLLP and HTTP transports', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp('pglite', { MLLP_MAX_MESSAGE_BYTES: '64kb', MLLP_FRAME_TIMEOUT_MS: '500', MLLP_IDLE_TIMEOUT_MS: '1500', MLLP_MAX_CONNECTIONS_PER_SOURCE: '5' });
  });
  afterAll(() => t.close());

  it('case 23: a frame written one byte at a time, and several frames in one write, are each processed once', async () => {
    const client = await connectMllp(t.mllpPort);
    const frame = encodeFrame(adt({ trigger: 'A01', controlId: 'BYTE-1', eventTime: '20260401080000', visit: 'V-BYTE' }));
    for (const byte of frame) {
      client.write(Buffer.from([byte]));
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(hl7Field((await client.receive(1))[0] as string, 'MSA', 2)).toBe('BYTE-1');
    const two = Buffer.concat([
      Buffer.from('garbage before the frame'),
      encodeFrame(adt({ trigger: 'A01', controlId: 'PAIR-1', eventTime: '20260401090000', visit: 'V-PAIR1' })),
      encodeFrame(adt({ trigger: 'A01', controlId: 'PAIR-2', eventTime: '20260401090000', visit: 'V-PAIR2' })),
    ]);
    client.write(two);
    const acks = await client.receive(2);
    expect(acks.map((a) => hl7Field(a, 'MSA', 2))).toEqual(['PAIR-1', 'PAIR-2']);
    client.close();
  });

  it('case 23: a frame past the size cap closes the connection; a frame never finished times out; earlier frames survive', async () => {
    const big = await connectMllp(t.mllpPort);
    big.write(encodeFrame(adt({ trigger: 'A01', controlId: 'BEFORE-BIG', eventTime: '20260401100000', visit: 'V-BB' })));
    expect(hl7Field((await big.receive(1))[0] as string, 'MSA', 2)).toBe('BEFORE-BIG');
    big.write(Buffer.concat([Buffer.from([0x0b]), Buffer.alloc(70 * 1024, 0x41)]));
    await big.closed();
    const slow = await connectMllp(t.mllpPort);
    slow.write(Buffer.from([0x0b, 0x4d, 0x53, 0x48]));
    await slow.closed();
    const rows = await t.database.db.query<{ n: number }>("select count(*)::int as n from hl7_message where control_id = 'BEFORE-BIG'");
    expect(rows[0]?.n).toBe(1);
  });

  it('case 33: idle connections are closed and a source cannot hold more than its share', async () => {
    const idle = await connectMllp(t.mllpPort);
    await idle.closed();
    const held = await Promise.all(Array.from({ length: 5 }, () => connectMllp(t.mllpPort)));
    const extra = await connectMllp(t.mllpPort);
    await extra.closed();
    const stillServed = held[0];
    const ack = await stillServed?.send(adt({ trigger: 'A01', controlId: 'HELD-1', eventTime: '20260401110000', visit: 'V-HELD' }));
    expect(hl7Field(ack?.[0] as string, 'MSA', 1)).toBe('AA');
    for (const client of held) client.close();
  });

  it('case 34: HTTP needs a hospital token, the right media type, a bounded body; dedup spans channels', async () => {
    const url = `${t.baseUrl}/ingest/hl7v2`;
    const message = adt({ trigger: 'A01', controlId: 'HTTP-1', eventTime: '20260401120000', visit: 'V-HTTP' });
    expect((await fetch(url, { method: 'POST', headers: { 'content-type': 'x-application/hl7-v2+er7' }, body: message })).status).toBe(401);
    const hospital = await registerClient(t.app, { organizationKind: 'hospital', scopes: 'system/*.cruds' });
    const reader = await registerClient(t.app, { scopes: 'system/*.rs' });
    const auth = { authorization: `Bearer ${await tokenFor(t.baseUrl, hospital)}` };
    expect((await fetch(url, { method: 'POST', headers: { ...auth, 'content-type': 'x-application/hl7-v2+er7', authorization: `Bearer ${await tokenFor(t.baseUrl, reader)}` }, body: message })).status).toBe(403);
    expect((await fetch(url, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: message })).status).toBe(415);
    expect((await fetch(url, { method: 'POST', headers: { ...auth, 'content-type': 'x-application/hl7-v2+er7' }, body: 'x'.repeat(11 * 1024 * 1024) })).status).toBe(413);
    const first = await fetch(url, { method: 'POST', headers: { ...auth, 'content-type': 'x-application/hl7-v2+er7' }, body: message });
    expect(first.status).toBe(200);
    const firstAck = await first.text();
    expect(hl7Field(firstAck, 'MSA', 1)).toBe('AA');
    const client = await connectMllp(t.mllpPort);
    const overMllp = (await client.send(message))[0];
    expect(overMllp).toBe(firstAck);
    client.close();
  });
});
