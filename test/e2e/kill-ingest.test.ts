/**
 * Crash safety of HL7 v2 ingest (RELIABILITY.md case 54, §7.3 invariants 1 and 3): a child gateway is killed
 * with SIGKILL at random moments while a resending client streams 2,000 ADT messages over MLLP; after each
 * kill the gateway restarts on the same database. Every message that got an AA is stored exactly once, and
 * nothing acknowledged is missing.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type ChildGateway, createChildGateway } from '../support/child-gateway.ts';
import { type EngineName, type TestDatabase, enginesUnderTest, openTestDatabase } from '../support/databases.ts';
import { adt } from '../support/hl7-messages.ts';
import { type MllpClient, connectMllp, hl7Field } from '../support/mllp.ts';
import { openPglite } from '../../src/store/db.ts';

const MESSAGES = 2000;

function message(i: number): string {
  const visit = `KV${Math.floor(i / 3)}`;
  const trigger = ['A01', 'A08', 'A03'][i % 3] as string;
  const hour = String(8 + (i % 3) * 2).padStart(2, '0');
  return adt({
    trigger,
    controlId: `KILL-${i}`,
    eventTime: `20260402${hour}0000`,
    visit,
    mrn: `KM${Math.floor(i / 3)}`,
    admitTime: '20260402080000',
    ...(trigger === 'A03' ? { dischargeTime: `20260402${hour}0000`, disposition: '01' } : {}),
  });
}

describe.each(enginesUnderTest())('kill -9 during an MLLP stream on %s', (engine: EngineName) => {
  let database: TestDatabase | undefined;
  let dataDir: string | undefined;
  let gateway: ChildGateway;
  afterAll(async () => {
    await gateway?.stop();
    await database?.dispose();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('stores every acknowledged message exactly once', { timeout: 600_000 }, async () => {
    if (engine === 'postgres') database = await openTestDatabase('postgres', { migrate: false });
    else dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cb-kill-'));
    gateway = await createChildGateway(database?.url ? { DATABASE_URL: database.url } : { DATA_DIR: dataDir as string });
    await gateway.start();
    const killAt = new Set([...Array(3)].map(() => 100 + Math.floor(Math.random() * (MESSAGES - 200))));
    const acked = new Set<string>();
    let client: MllpClient | undefined;
    let kills = 0;
    for (let i = 0; i < MESSAGES; i++) {
      if (killAt.has(i)) {
        // Kill while the message is in flight: it may or may not be committed; its ACK is lost either way.
        client?.write(Buffer.from([0x0b, ...Buffer.from(message(i)), 0x1c, 0x0d]));
        await gateway.kill();
        kills++;
        client = undefined;
        await gateway.start();
      }
      // A resending client: no ACK (connection lost, timeout) → reconnect and send the same message again.
      for (let attempt = 0; ; attempt++) {
        expect(attempt).toBeLessThan(20);
        try {
          client ??= await connectMllp(gateway.mllpPort);
          const [ack] = await client.send(message(i));
          if (ack && hl7Field(ack, 'MSA', 2) === `KILL-${i}`) {
            expect(hl7Field(ack, 'MSA', 1)).toBe('AA');
            acked.add(`KILL-${i}`);
            break;
          }
        } catch {
          // connection refused while restarting
        }
        client?.close();
        client = undefined;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
    client?.close();
    await gateway.stop();
    expect(kills).toBe(3);
    const db = database?.db ?? (await openPglite(dataDir));
    const rows = await db.query<{ control_id: string; n: number }>("select control_id, count(*)::int as n from hl7_message where status = 'processed' group by control_id");
    const processed = new Map(rows.map((row) => [row.control_id, row.n]));
    expect([...processed.values()].filter((n) => n !== 1)).toEqual([]);
    expect([...acked].filter((id) => !processed.has(id))).toEqual([]);
    expect(acked.size).toBe(MESSAGES);
    const encounters = await db.query<{ n: number }>("select count(*)::int as n from resource where resource_type = 'Encounter' and not deleted");
    expect(encounters[0]?.n).toBe(Math.ceil(MESSAGES / 3));
    const finished = await db.query<{ n: number }>("select count(*)::int as n from resource where resource_type = 'Encounter' and content->>'status' = 'finished'");
    expect(finished[0]?.n).toBe(Math.floor(MESSAGES / 3));
    if (!database) await db.close();
  });
});
