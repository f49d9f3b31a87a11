/**
 * The MLLP listener: a TCP server that frames each connection's bytes (framer.ts), hands every complete
 * message to the ingest pipeline in arrival order and writes back its ACK. Thin: it decides nothing about a
 * message, only about connections — a cap overall and per source address, an idle timeout, a deadline for
 * finishing a started frame (slow senders), and a frame size cap. On stop it drains in-flight messages.
 * HL7 v2 Implementation Guide, Appendix C (MLLP release 2).
 */
import net from 'node:net';
import type { Hl7v2Pipeline } from '../../pipeline/hl7v2-pipeline.ts';
import type { IngestMetrics } from '../../pipeline/ingest-metrics.ts';
import type { Logger } from '../../shared/logger.ts';
import { MllpFramer, encodeFrame } from './framer.ts';

export interface MllpListenerOptions {
  port: number;
  host: string;
  pipeline: Hl7v2Pipeline;
  logger: Logger;
  metrics: IngestMetrics;
  maxConnections: number;
  maxConnectionsPerSource: number;
  /** Close a connection that sends nothing for this long. */
  idleTimeoutMs: number;
  /** Close a connection whose started frame is not finished within this long. */
  frameTimeoutMs: number;
  maxMessageBytes: number;
}

const MAX_PENDING = 64;

export interface MllpListener {
  /** Starts listening; resolves with the bound port. */
  start(): Promise<number>;
  /** Stops accepting, lets in-flight messages finish (up to `graceMs`), then closes every connection. */
  stop(graceMs: number): Promise<void>;
}

export function createMllpListener(options: MllpListenerOptions): MllpListener {
  const connections = new Map<net.Socket, { idle: Promise<void>; pending: number }>();
  const perSource = new Map<string, number>();
  const server = net.createServer({ noDelay: true }, (socket) => accept(socket));
  server.maxConnections = options.maxConnections;

  function accept(socket: net.Socket): void {
    const source = socket.remoteAddress ?? 'unknown';
    const count = (perSource.get(source) ?? 0) + 1;
    if (count > options.maxConnectionsPerSource) {
      options.logger.warn({ source }, 'mllp connection refused: too many from this source');
      socket.destroy();
      return;
    }
    perSource.set(source, count);
    const framer = new MllpFramer({ maxFrameBytes: options.maxMessageBytes });
    const state = { idle: Promise.resolve(), pending: 0 };
    connections.set(socket, state);
    let frameDeadline: NodeJS.Timeout | undefined;
    socket.setTimeout(options.idleTimeoutMs, () => socket.destroy());
    socket.on('data', (chunk: Buffer) => {
      const { frames, overflow } = framer.push(chunk);
      for (const frame of frames) {
        state.pending++;
        // Backpressure: a sender flushing a queue is read only as fast as messages are committed.
        if (state.pending > MAX_PENDING) socket.pause();
        state.idle = state.idle.then(() => handle(socket, frame, source)).finally(() => {
          state.pending--;
          if (state.pending <= MAX_PENDING / 2 && socket.isPaused()) socket.resume();
        });
      }
      if (overflow) {
        options.logger.warn({ source }, 'mllp frame over the size cap; closing the connection');
        state.idle.then(() => socket.destroy());
        return;
      }
      if (framer.bufferedBytes > 0 && !frameDeadline) {
        frameDeadline = setTimeout(() => socket.destroy(), options.frameTimeoutMs);
      } else if (framer.bufferedBytes === 0 && frameDeadline) {
        clearTimeout(frameDeadline);
        frameDeadline = undefined;
      }
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      if (frameDeadline) clearTimeout(frameDeadline);
      connections.delete(socket);
      const left = (perSource.get(source) ?? 1) - 1;
      if (left <= 0) perSource.delete(source);
      else perSource.set(source, left);
    });
  }

  async function handle(socket: net.Socket, frame: Buffer, source: string): Promise<void> {
    if (socket.destroyed) return; // the sender is gone: it will resend; nothing was acknowledged
    const started = process.hrtime.bigint();
    try {
      const send = async (ack: string) => {
        if (!socket.destroyed) socket.write(encodeFrame(ack));
      };
      const result = await options.pipeline.ingest({ bytes: frame, channel: 'mllp', source }, send);
      if (result.ack) await send(result.ack);
    } catch (error) {
      options.logger.error({ err: error }, 'mllp message handling failed; closing the connection without an ACK');
      socket.destroy();
    } finally {
      options.metrics.ackLatency.observe({ channel: 'mllp' }, Number(process.hrtime.bigint() - started) / 1e9);
    }
  }

  return {
    start() {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(options.port, options.host, () => resolve((server.address() as net.AddressInfo).port));
      });
    },
    async stop(graceMs) {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      const drained = Promise.all([...connections.values()].map((state) => state.idle));
      await Promise.race([drained, new Promise((resolve) => setTimeout(resolve, graceMs).unref())]);
      for (const socket of connections.keys()) socket.destroy();
      await closed;
    },
  };
}
