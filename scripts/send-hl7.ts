/**
 * Sends HL7 v2 files to a gateway and tallies the acknowledgments:
 *   npm run send-hl7 -- --mllp localhost:2575 FILE…
 *   npm run send-hl7 -- --http http://localhost:8080/ingest/hl7v2 --token "$(npm run -s token -- --client north-riverside-pas)" FILE…
 * Files may hold one message, several, an FHS/BHS batch, or MLLP frames. Progress goes to stderr.
 */
import fs from 'node:fs';
import net from 'node:net';
import { parseArgs } from 'node:util';
import { readHeader, splitBatch } from '../src/ingest/hl7v2/index.ts';
import { MllpFramer, encodeFrame } from '../src/ingest/mllp/framer.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { mllp: { type: 'string' }, http: { type: 'string' }, token: { type: 'string' }, timeout: { type: 'string', default: '30000' } },
});
if ((!values.mllp && !values.http) || positionals.length === 0) {
  console.error('usage: npm run send-hl7 -- (--mllp host:port | --http URL [--token T]) FILE…');
  process.exit(2);
}

const messages = positionals.flatMap(readMessages);
const tally = new Map<string, number>();
const started = Date.now();
const count = (code: string) => tally.set(code, (tally.get(code) ?? 0) + 1);
const progress = (done: number) => {
  const width = 30;
  const filled = Math.round((done / messages.length) * width);
  process.stderr.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${messages.length}`);
};

if (values.mllp) await sendMllp(values.mllp, messages);
else await sendHttp(values.http as string, messages);
process.stderr.write('\n');
const seconds = (Date.now() - started) / 1000;
console.log(`${messages.length} messages in ${seconds.toFixed(1)} s (${(messages.length / seconds).toFixed(1)}/s)`);
for (const [code, n] of [...tally].sort()) console.log(`  ${code}: ${n}`);
process.exit(tally.has('AE') || tally.has('AR') || tally.has('none') ? 1 : 0);

function readMessages(file: string): Buffer[] {
  const bytes = fs.readFileSync(file);
  if (bytes.includes(0x0b)) return new MllpFramer().push(bytes).frames;
  try {
    const split = splitBatch(bytes).messages.map((m) => Buffer.from(m));
    return split.length > 0 ? split : [bytes];
  } catch {
    return [bytes];
  }
}

function codeOf(ack: string): string {
  const msa = ack.split(/\r|\n/).find((s) => s.startsWith('MSA'));
  return msa?.split(msa.charAt(3))[1] ?? 'unreadable';
}

async function sendMllp(target: string, list: Buffer[]): Promise<void> {
  const [host = 'localhost', port = '2575'] = target.split(':');
  const socket = net.connect({ host, port: Number(port) });
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  const framer = new MllpFramer();
  const acks: string[] = [];
  let wake: (() => void) | undefined;
  socket.on('data', (chunk: Buffer) => {
    for (const frame of framer.push(chunk).frames) acks.push(frame.toString('utf8'));
    wake?.();
  });
  for (const [i, message] of list.entries()) {
    socket.write(encodeFrame(message));
    const header = readHeader(message);
    if (header?.acceptAckType === 'NE' && header.applicationAckType === 'NE') {
      count('no ACK requested');
      progress(i + 1);
      continue;
    }
    const deadline = Date.now() + Number(values.timeout);
    // In enhanced mode an accept acknowledgment (CA) comes first; an application one follows only when MSH-16
    // asks for it (AL always; ER, SU depending on the outcome — give those a short grace).
    const application = header?.applicationAckType ?? '';
    let graceUntil: number | undefined;
    while (Date.now() < deadline && (graceUntil === undefined || Date.now() < graceUntil)) {
      const last = acks.at(-1);
      if (last && codeOf(last) !== 'CA') break;
      if (last && application === 'NE') break;
      if (last && application !== 'AL' && graceUntil === undefined) graceUntil = Date.now() + 2000;
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, 100);
      });
    }
    count(acks.length > 0 ? codeOf(acks.splice(0).at(-1) as string) : 'none');
    progress(i + 1);
  }
  socket.end();
}

async function sendHttp(url: string, list: Buffer[]): Promise<void> {
  for (const [i, message] of list.entries()) {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'x-application/hl7-v2+er7', ...(values.token ? { authorization: `Bearer ${values.token}` } : {}) },
      body: message,
    });
    count(response.ok ? codeOf(await response.text()) : `HTTP ${response.status}`);
    progress(i + 1);
  }
}
