/**
 * A hospital feed for benchmarks that need HL7 v2 arriving over real MLLP in this process: C connections,
 * messages spread round-robin, several in flight per connection (the gateway answers each connection in
 * order, so ACKs are matched first in, first out).
 */
import net from 'node:net';
import { MllpFramer, encodeFrame } from '../../src/ingest/mllp/framer.ts';

export interface MllpFeed {
  /** Sends one message; resolves with its ACK's MSA-1 code. */
  send(text: string): Promise<string>;
  close(): void;
}

interface Connection {
  socket: net.Socket;
  waiting: ((code: string) => void)[];
}

export async function openMllpFeed(port: number, connections: number): Promise<MllpFeed> {
  const open = await Promise.all(Array.from({ length: connections }, () => connect(port)));
  let next = 0;
  return {
    send(text) {
      const connection = open[next++ % open.length] as Connection;
      return new Promise<string>((resolve) => {
        connection.waiting.push(resolve);
        connection.socket.write(encodeFrame(text));
      });
    },
    close() {
      for (const { socket } of open) socket.destroy();
    },
  };
}

async function connect(port: number): Promise<Connection> {
  const socket = net.connect({ port, host: '127.0.0.1', noDelay: true });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  const connection: Connection = { socket, waiting: [] };
  const framer = new MllpFramer();
  socket.on('data', (chunk: Buffer) => {
    for (const frame of framer.push(chunk).frames) {
      const msa = frame.toString('utf8').split('\r').find((segment) => segment.startsWith('MSA|')) ?? '';
      connection.waiting.shift()?.(msa.split('|')[1] ?? '?');
    }
  });
  socket.on('error', () => undefined);
  return connection;
}
