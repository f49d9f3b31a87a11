/**
 * MLLP framing (HL7 v2 Implementation Guide, Appendix C "Minimal Lower Layer Protocol", release 2:
 * a block is `<VT 0x0B> payload <FS 0x1C><CR 0x0D>`). A pure stream decoder: push socket chunks in, get
 * complete payloads out. It holds no socket and never decides to close one; the listener does that when
 * a push reports an overflow.
 *
 * Decisions, all made to never lose the bytes of a complete message:
 * - Bytes outside a block (before VT, or between blocks) are discarded and counted in `discardedBytes`.
 * - FS alone ends the block; a CR right after it is consumed, anything else is read as outside bytes.
 *   Real engines are lenient here, and FS cannot occur inside ER7 text in ASCII, ISO-8859-x or UTF-8,
 *   so treating it as the end never splits a real message. The block is emitted at FS, without waiting
 *   for the CR to arrive.
 * - A VT inside a block means the sender restarted: the unfinished block is discarded (counted in
 *   `abandonedFrames` and `discardedBytes`) and a new block starts.
 * - A block longer than `maxFrameBytes` is dropped as soon as it passes the cap, so memory stays bounded;
 *   the push reports a `too-large` GatewayError and the decoder skips to the next VT.
 */
import { GatewayError } from '../../shared/errors.ts';

/** Start block character. */
export const VT = 0x0b;
/** End block character. */
export const FS = 0x1c;
/** Carriage return that follows FS. */
export const CR = 0x0d;

/** Default frame cap: 16 MiB, room for large ORU messages with embedded documents (base64 PDFs). */
export const DEFAULT_MAX_FRAME_BYTES = 16 * 1024 * 1024;

/** Options of {@link MllpFramer}. */
export interface MllpFramerOptions {
  /** Largest payload accepted, in bytes (default {@link DEFAULT_MAX_FRAME_BYTES}). */
  readonly maxFrameBytes?: number;
}

/** What one `push` produced. */
export interface MllpPushResult {
  /** Complete payloads, in order, without VT/FS/CR. */
  readonly frames: Buffer[];
  /** Set when a block passed the size cap during this push: the listener should close the connection. */
  readonly overflow: GatewayError | undefined;
}

type State = 'outside' | 'inside' | 'after-fs';

/** Incremental MLLP decoder; one instance per connection. */
export class MllpFramer {
  readonly maxFrameBytes: number;
  /** Bytes thrown away: outside any block, in abandoned or oversized blocks. */
  discardedBytes = 0;
  /** Blocks cut short by a new VT. */
  abandonedFrames = 0;
  /** Blocks dropped for passing the size cap. */
  oversizedFrames = 0;
  #state: State = 'outside';
  #parts: Buffer[] = [];
  #size = 0;

  constructor(options: MllpFramerOptions = {}) {
    this.maxFrameBytes = options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
  }

  /** Bytes of the unfinished block held in memory (never more than `maxFrameBytes`). */
  get bufferedBytes(): number {
    return this.#size;
  }

  /** Decodes one chunk. Frames completed before an overflow in the same chunk are still returned. */
  push(chunk: Uint8Array): MllpPushResult {
    const data = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const frames: Buffer[] = [];
    let overflow: GatewayError | undefined;
    let pos = 0;
    while (pos < data.length) {
      if (this.#state === 'after-fs') {
        this.#state = 'outside';
        if (data[pos] === CR) pos += 1;
        continue;
      }
      if (this.#state === 'outside') {
        const vt = data.indexOf(VT, pos);
        this.discardedBytes += (vt === -1 ? data.length : vt) - pos;
        if (vt === -1) break;
        this.#state = 'inside';
        pos = vt + 1;
        continue;
      }
      pos = this.#readInside(data, pos, frames);
      if (this.#size > this.maxFrameBytes) {
        this.#drop();
        this.oversizedFrames += 1;
        this.#state = 'outside';
        overflow ??= new GatewayError('ING-MLLP-FRAME-TOO-LARGE', 'too-large', `MLLP frame exceeds ${this.maxFrameBytes} bytes`);
      }
    }
    return { frames, overflow };
  }

  /** Reads block content from `pos` up to FS, a new VT, or the chunk end; returns the next position. */
  #readInside(data: Buffer, pos: number, frames: Buffer[]): number {
    const fs = data.indexOf(FS, pos);
    const vt = data.indexOf(VT, pos);
    const stop = fs === -1 ? vt : vt === -1 ? fs : Math.min(fs, vt);
    const end = stop === -1 ? data.length : stop;
    if (end > pos) {
      // Copy only what stays under the cap (+1 byte to detect the overflow): memory stays bounded.
      const room = this.maxFrameBytes + 1 - this.#size;
      const take = Math.min(end - pos, room);
      this.#parts.push(Buffer.from(data.subarray(pos, pos + take)));
      this.#size += end - pos;
    }
    if (stop === -1 || this.#size > this.maxFrameBytes) return end;
    if (stop === vt) {
      this.abandonedFrames += 1;
      this.#drop();
      return vt + 1;
    }
    frames.push(this.#parts.length === 1 ? (this.#parts[0] as Buffer) : Buffer.concat(this.#parts, this.#size));
    this.#parts = [];
    this.#size = 0;
    this.#state = 'after-fs';
    return fs + 1;
  }

  #drop(): void {
    this.discardedBytes += this.#size;
    this.#parts = [];
    this.#size = 0;
  }

  /**
   * Ends the stream (socket closed): an unfinished block is discarded, never delivered.
   * @returns bytes of the unfinished block that were thrown away
   */
  end(): number {
    const lost = this.#state === 'inside' ? this.#size : 0;
    this.#drop();
    this.#state = 'outside';
    return lost;
  }
}

/**
 * Wraps a payload in an MLLP block for sending (the ACK direction). Strings are encoded as UTF-8; use
 * `encodeText` from hl7v2/charset.ts first for another MSH-18 character set.
 * @throws GatewayError `ING-MLLP-CONTROL-BYTE` (category `fault`) if the payload contains VT or FS,
 *   which would corrupt the framing
 */
export function encodeFrame(payload: Uint8Array | string): Buffer {
  const body = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload;
  if (body.indexOf(VT) !== -1 || body.indexOf(FS) !== -1) {
    throw new GatewayError('ING-MLLP-CONTROL-BYTE', 'fault', 'An MLLP payload must not contain VT or FS bytes');
  }
  const out = Buffer.allocUnsafe(body.length + 3);
  out[0] = VT;
  out.set(body, 1);
  out[body.length + 1] = FS;
  out[body.length + 2] = CR;
  return out;
}
