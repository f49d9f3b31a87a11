/** A minimal MLLP client for tests: sends framed messages over a real TCP connection and reads ACKs back. */
import net from 'node:net';
import { MllpFramer, encodeFrame } from '../../src/ingest/mllp/framer.ts';

export interface MllpClient {
  /** Sends one message and waits for the next `count` frames (ACKs) from the gateway. */
  send(message: string | Buffer, count?: number): Promise<string[]>;
  /** Writes raw bytes (for framing tests). */
  write(bytes: Buffer): void;
  /** Waits for `count` frames. */
  receive(count: number, timeoutMs?: number): Promise<string[]>;
  closed(): Promise<void>;
  close(): void;
}

export async function connectMllp(port: number, host = '127.0.0.1'): Promise<MllpClient> {
  const socket = net.connect({ port, host });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  const framer = new MllpFramer();
  const inbox: string[] = [];
  const waiters: (() => void)[] = [];
  let ended = false;
  socket.on('data', (chunk: Buffer) => {
    for (const frame of framer.push(chunk).frames) inbox.push(frame.toString('utf8'));
    for (const wake of waiters.splice(0)) wake();
  });
  const closed = new Promise<void>((resolve) => socket.once('close', () => {
    ended = true;
    for (const wake of waiters.splice(0)) wake();
    resolve();
  }));
  socket.on('error', () => undefined);
  const receive = async (count: number, timeoutMs = 20_000) => {
    const deadline = Date.now() + timeoutMs;
    while (inbox.length < count && !ended && Date.now() < deadline) {
      await new Promise<void>((resolve) => {
        waiters.push(resolve);
        setTimeout(resolve, 100);
      });
    }
    return inbox.splice(0, count);
  };
  return {
    async send(message, count = 1) {
      socket.write(encodeFrame(message));
      return receive(count);
    },
    write: (bytes) => void socket.write(bytes),
    receive,
    closed: () => closed,
    close: () => socket.destroy(),
  };
}

/** Field `n` (1-based, MSH counting like the spec) of the first segment `id` of an ER7 message. */
export function hl7Field(message: string, id: string, n: number): string {
  const segment = message.split(/\r\n|\r|\n/).find((s) => s.startsWith(id)) ?? '';
  const fields = segment.split('|');
  return (id === 'MSH' ? fields[n - 1] : fields[n]) ?? '';
}
