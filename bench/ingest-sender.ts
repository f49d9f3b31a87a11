/**
 * The hospital side of the MLLP ingest benchmark, run as a forked process (bench/lib/child-rpc.ts) so the
 * sender and the gateway each get their own event loop, as a real feed would. It holds C MLLP connections and
 * sends an A01 → A08 → A03 sequence per visit, every visit and patient new (so nothing is deduplicated), and
 * matches each ACK to its message by MSA-2.
 * - `closed`: each connection sends its next message when the last one's ACK arrives (an original-mode feed);
 *   gives the sustained rate.
 * - `open`: messages are due at a fixed offered rate whatever the ACKs do (round-robin over the connections);
 *   latency is measured from when a message was due, not when it could be written (no coordinated omission).
 */
import net from 'node:net';
import { pathToFileURL } from 'node:url';
import { encodeFrame, MllpFramer } from '../src/ingest/mllp/framer.ts';
import { serveRpc } from './lib/child-rpc.ts';

/** What a sending run is asked to do. */
export interface SendJob {
  port: number;
  connections: number;
  durationMs: number;
  /** Unique per run: goes into control ids, MRNs and visit numbers. */
  tag: string;
  /** Offered messages per second (open loop); absent for a closed loop. */
  rate?: number;
}

/** What a sending run measured; latencies in ms over AA answers. */
export interface SendResult {
  sent: number;
  answers: Record<string, number>;
  /** Messages without an answer when the run gave up waiting. */
  unanswered: number;
  /** First send to last answer, seconds. */
  durationSec: number;
  /** AA answers per second over `durationSec`. */
  rate: number;
  p50: number;
  p99: number;
}

/** One ADT message of visit `visit` on connection `conn`: A01, then A08, then A03 (with a diagnosis). */
export function benchAdt(tag: string, conn: number, seq: number): { controlId: string; text: string } {
  const visit = Math.floor(seq / 3);
  const trigger = (['A01', 'A08', 'A03'] as const)[seq % 3] as string;
  const day = String(1 + (visit % 28)).padStart(2, '0');
  const hour = String(8 + (seq % 3) * 3).padStart(2, '0');
  const time = `202604${day}${hour}1500+0000`;
  const id = `${tag}-${conn}-${visit}`;
  const controlId = `${tag}-${conn}-${seq}`;
  const pv1: string[] = Array<string>(46).fill('');
  pv1[0] = 'PV1';
  pv1[1] = '1';
  pv1[2] = 'I';
  pv1[3] = `WARD${visit % 7}^B${visit % 20}^${visit % 4}^NORTHRIV^^BED^MAIN`;
  pv1[4] = 'EM';
  pv1[7] = `C${4400 + (visit % 9)}^ASHWORTH^HELEN^^DR^^^^^^^^GMC`;
  pv1[10] = 'MED';
  pv1[19] = `VN${id}^^^NORTHRIV^VN`;
  pv1[44] = `202604${day}081500+0000`;
  if (trigger === 'A03') {
    pv1[36] = '01';
    pv1[45] = time;
  }
  const segments = [
    `MSH|^~\\&|PAS|NORTHRIV|CAREBRIDGE|HIE|${time}||ADT^${trigger}^ADT_A01|${controlId}|P|2.5.1`,
    `EVN|${trigger}|${time}`,
    `PID|1||M${id}^^^NORTHRIV^MR||BENCH^ALEX^J^^MX||19${50 + (visit % 40)}0${1 + (visit % 9)}15|${visit % 2 === 0 ? 'F' : 'M'}|||${visit % 90} TEST STREET^^LEEDS^^LS6 2QT^GBR^H||0113 496 ${String(visit % 10000).padStart(4, '0')}^PRN^PH`,
    pv1.join('|'),
    ...(trigger === 'A03' ? [`DG1|1|I10|J18.9^Pneumonia, unspecified organism^I10||202604${day}|A`] : []),
  ];
  return { controlId, text: `${segments.join('\r')}\r` };
}

interface Connection {
  socket: net.Socket;
  /** Called with (controlId, MSA-1) for every ACK frame. */
  onAck?: (controlId: string, code: string) => void;
}

function msa(ack: string): { code: string; controlId: string } {
  const fields = (ack.split('\r').find((segment) => segment.startsWith('MSA|')) ?? '').split('|');
  return { code: fields[1] ?? '?', controlId: fields[2] ?? '' };
}

async function connect(port: number): Promise<Connection> {
  const socket = net.connect({ port, host: '127.0.0.1', noDelay: true });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  const connection: Connection = { socket };
  const framer = new MllpFramer();
  socket.on('data', (chunk: Buffer) => {
    for (const frame of framer.push(chunk).frames) {
      const { code, controlId } = msa(frame.toString('latin1'));
      connection.onAck?.(controlId, code);
    }
  });
  socket.on('error', () => undefined);
  return connection;
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length))) - 1] as number;
}

/** Runs one job and closes its connections. */
async function run(job: SendJob): Promise<SendResult> {
  const connections = await Promise.all(Array.from({ length: job.connections }, () => connect(job.port)));
  const due = new Map<string, number>();
  const latencies: number[] = [];
  const answers: Record<string, number> = {};
  let sent = 0;
  let lastAnswer = 0;
  let settle: (() => void) | undefined;
  const answer = (controlId: string, code: string) => {
    const at = due.get(controlId);
    if (at === undefined) return;
    due.delete(controlId);
    lastAnswer = performance.now();
    answers[code] = (answers[code] ?? 0) + 1;
    if (code === 'AA') latencies.push(lastAnswer - at);
    if (due.size === 0) settle?.();
  };
  const start = performance.now();
  const deadline = start + job.durationMs;
  if (job.rate === undefined) {
    // Closed loop: one message in flight per connection.
    await Promise.all(connections.map((connection, conn) => new Promise<void>((resolve) => {
      let seq = 0;
      const next = () => {
        if (performance.now() >= deadline) return resolve();
        const message = benchAdt(job.tag, conn, seq++);
        due.set(message.controlId, performance.now());
        sent++;
        connection.socket.write(encodeFrame(message.text));
      };
      connection.onAck = (controlId, code) => {
        answer(controlId, code);
        next();
      };
      connection.socket.once('close', resolve);
      next();
    })));
  } else {
    // Open loop: message k is due at start + k / rate, whatever happened to the earlier ones.
    const interval = 1000 / job.rate;
    for (const connection of connections) connection.onAck = answer;
    const seqs = connections.map(() => 0);
    await new Promise<void>((resolve) => {
      const tick = () => {
        const now = performance.now();
        while (start + sent * interval <= Math.min(now, deadline)) {
          const conn = sent % connections.length;
          const seq = seqs[conn] ?? 0;
          seqs[conn] = seq + 1;
          const message = benchAdt(job.tag, conn, seq);
          due.set(message.controlId, start + sent * interval);
          sent++;
          connections[conn]?.socket.write(encodeFrame(message.text));
        }
        if (now >= deadline) resolve();
        else setTimeout(tick, Math.max(0, Math.min(1, start + sent * interval - now)));
      };
      tick();
    });
  }
  // Wait for the answers still outstanding (at most 60 s).
  if (due.size > 0) {
    await Promise.race([new Promise<void>((resolve) => (settle = resolve)), new Promise((resolve) => setTimeout(resolve, 60_000))]);
  }
  for (const connection of connections) connection.socket.destroy();
  const durationSec = Math.max(1e-3, (lastAnswer - start) / 1000);
  latencies.sort((a, b) => a - b);
  return { sent, answers, unanswered: due.size, durationSec, rate: (answers['AA'] ?? 0) / durationSec, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

// Serves only when forked as the sender (importing benchAdt elsewhere must not start a server).
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) serveRpc({ send: (job) => run(job as SendJob) });
