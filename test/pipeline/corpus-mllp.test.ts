/**
 * Every HL7 v2 file written by others (/work/shared/corpus/hl7v2) over real MLLP: batches split, MLLP
 * streams sent as framed, each message answered AA (its FHIR stored, hence valid) or AE/AR with an ERR
 * saying why — malformed inputs refused, never half-stored. The listener stays up throughout.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MllpFramer, encodeFrame } from '../../src/ingest/mllp/framer.ts';
import { splitBatch } from '../../src/ingest/hl7v2/index.ts';
import { contentHash } from '../../src/pipeline/hl7v2-pipeline.ts';
import { type TestApp, startTestApp } from '../support/app.ts';
import { enginesUnderTest } from '../support/databases.ts';
import { type MllpClient, connectMllp, hl7Field } from '../support/mllp.ts';

const CORPUS = path.resolve(import.meta.dirname, '../../../shared/corpus/hl7v2');

/** Every message in the corpus with where it came from. */
function corpusMessages(): { name: string; bytes: Buffer }[] {
  const messages: { name: string; bytes: Buffer }[] = [];
  for (const dir of fs.readdirSync(CORPUS).sort()) {
    for (const file of fs.readdirSync(path.join(CORPUS, dir)).sort()) {
      const bytes = fs.readFileSync(path.join(CORPUS, dir, file));
      const name = `${dir}/${file}`;
      if (file.endsWith('.mllp')) {
        new MllpFramer().push(bytes).frames.forEach((frame, i) => messages.push({ name: `${name}#${i + 1}`, bytes: frame }));
      } else if (file.endsWith('.hl7')) {
        const split = trySplit(bytes);
        if (split.length === 0) messages.push({ name, bytes });
        else split.forEach((message, i) => messages.push({ name: `${name}#${i + 1}`, bytes: Buffer.from(message) }));
      }
    }
  }
  return messages;
}

/** The messages of a batch file; a file that is not a readable batch is sent as it is (and must be refused). */
function trySplit(bytes: Buffer): Buffer[] {
  try {
    return splitBatch(bytes).messages.map((message) => Buffer.from(message));
  } catch {
    return [];
  }
}

async function waitForStatus(t: TestApp, controlId: string): Promise<string | undefined> {
  for (let i = 0; i < 100; i++) {
    const rows = await t.database.db.query<{ status: string }>("select status from hl7_message where control_id = $1 and status <> 'received'", [controlId]);
    if (rows[0]) return rows[0].status;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return undefined;
}

describe.each(enginesUnderTest())('the HL7 v2 corpus over MLLP on %s', (engine) => {
  let t: TestApp;
  let client: MllpClient;
  beforeAll(async () => {
    t = await startTestApp(engine);
    client = await connectMllp(t.mllpPort);
  });
  afterAll(async () => {
    client.close();
    await t.close();
  });

  it('answers every message with AA, or AE/AR explaining why in ERR', { timeout: 300_000 }, async () => {
    const outcomes: Record<'AA' | 'AE' | 'AR', string[]> = { AA: [], AE: [], AR: [] };
    for (const message of corpusMessages()) {
      // One connection per message, so an acknowledgment can never be read against the wrong message.
      const client = await connectMllp(t.mllpPort);
      const text = message.bytes.toString('utf8').replace(/^\uFEFF/, '');
      const [accept, application] = [hl7Field(text, 'MSH', 15), hl7Field(text, 'MSH', 16)];
      const enhanced = accept !== '' || application !== '';
      client.write(encodeFrame(message.bytes));
      const frames = enhanced ? [...(await client.receive(1, 2000)), ...(await client.receive(1, 1500))] : await client.receive(1);
      client.close();
      let code: string;
      if (enhanced && !frames.some((f) => ['AA', 'AE', 'AR'].includes(hl7Field(f, 'MSA', 1)))) {
        // The sender asked for no application acknowledgment of this outcome: read it from the raw store.
        const status = await waitForStatus(t, hl7Field(text, 'MSH', 10));
        code = status === 'processed' ? 'AA' : 'AE';
      } else {
        const ack = frames.find((f) => ['AA', 'AE', 'AR'].includes(hl7Field(f, 'MSA', 1)));
        expect(ack, message.name).toBeDefined();
        code = hl7Field(ack as string, 'MSA', 1);
        if (code !== 'AA') expect(ack, `${message.name} must say why`).toMatch(/\rERR\|/);
      }
      outcomes[code as 'AA' | 'AE' | 'AR'].push(message.name);
      if (code !== 'AA') {
        // Kept, not dropped: the refused message is in quarantine (or rejected) with its reason.
        const rows = await t.database.db.query<{ status: string; reason: string | null }>('select status, reason from hl7_message where content_hash = $1', [contentHash(message.bytes)]);
        expect(rows.some((row) => ['quarantined', 'rejected'].includes(row.status) && row.reason), message.name).toBe(true);
      }
    }
    const refusedNames = [...outcomes.AE, ...outcomes.AR];
    for (const malformed of ['node-hl7-complete/adt-example.hl7', 'node-hl7-client/sample_bad_batch.hl7', 'node-hl7-complete/mdm-example.hl7']) {
      expect(refusedNames.some((name) => name.startsWith(malformed)), malformed).toBe(true);
    }
    expect(outcomes.AA.length).toBeGreaterThan(40);
    console.log(`corpus over MLLP (${engine}): ${outcomes.AA.length} AA, ${outcomes.AE.length} AE, ${outcomes.AR.length} AR`);
  });
});
