import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CR, encodeFrame, FS, MllpFramer, VT } from '../../../src/ingest/mllp/framer.ts';
import { isGatewayError } from '../../../src/shared/errors.ts';

const CORPUS = join(import.meta.dirname, '../../../../shared/corpus/hl7v2/mllp-derived');

function frame(text: string): Buffer {
  return encodeFrame(Buffer.from(text));
}

/** Pushes chunks one by one and collects every frame as a string. */
function decodeAll(framer: MllpFramer, chunks: readonly Uint8Array[]): string[] {
  return chunks.flatMap((chunk) => framer.push(chunk).frames.map((f) => f.toString('latin1')));
}

function bytesOneByOne(data: Buffer): Buffer[] {
  return [...data].map((b) => Buffer.from([b]));
}

describe('MllpFramer', () => {
  it('decodes one frame in one chunk', () => {
    const framer = new MllpFramer();
    expect(decodeAll(framer, [frame('MSH|^~\\&|A\r')])).toEqual(['MSH|^~\\&|A\r']);
    expect(framer.discardedBytes).toBe(0);
    expect(framer.bufferedBytes).toBe(0);
  });

  it('decodes a frame pushed one byte at a time, FS and CR split apart', () => {
    const framer = new MllpFramer();
    expect(decodeAll(framer, bytesOneByOne(frame('MSH|1\rPID|2\r')))).toEqual(['MSH|1\rPID|2\r']);
    expect(framer.discardedBytes).toBe(0);
  });

  it('decodes several frames in one chunk', () => {
    const framer = new MllpFramer();
    const chunk = Buffer.concat([frame('A'), frame('B'), frame('C')]);
    expect(decodeAll(framer, [chunk])).toEqual(['A', 'B', 'C']);
  });

  it('discards and counts bytes before VT and between frames', () => {
    const framer = new MllpFramer();
    const chunk = Buffer.concat([Buffer.from('garbage'), frame('A'), Buffer.from('\n'), frame('B')]);
    expect(decodeAll(framer, [chunk])).toEqual(['A', 'B']);
    expect(framer.discardedBytes).toBe(8);
  });

  it('accepts FS without CR as the end of a frame and keeps the next frame', () => {
    const framer = new MllpFramer();
    const chunk = Buffer.from([VT, 0x41, FS, VT, 0x42, FS, 0x58, VT, 0x43, FS, CR]);
    expect(decodeAll(framer, [chunk])).toEqual(['A', 'B', 'C']);
    expect(framer.discardedBytes).toBe(1);
  });

  it('emits a frame at FS even before its CR arrives', () => {
    const framer = new MllpFramer();
    expect(decodeAll(framer, [Buffer.from([VT, 0x41, FS])])).toEqual(['A']);
    expect(decodeAll(framer, [Buffer.from([CR])])).toEqual([]);
    expect(framer.discardedBytes).toBe(0);
  });

  it('drops an unfinished frame when a new VT starts, keeping the complete one', () => {
    const framer = new MllpFramer();
    const chunk = Buffer.concat([Buffer.from([VT]), Buffer.from('partial'), frame('whole')]);
    expect(decodeAll(framer, [chunk])).toEqual(['whole']);
    expect(framer.abandonedFrames).toBe(1);
    expect(framer.discardedBytes).toBe(7);
  });

  it('never delivers a partial frame when the stream ends', () => {
    const framer = new MllpFramer();
    expect(decodeAll(framer, [Buffer.concat([frame('ok'), Buffer.from([VT]), Buffer.from('half')])])).toEqual(['ok']);
    expect(framer.end()).toBe(4);
    expect(framer.bufferedBytes).toBe(0);
  });

  it('reports an overflow for a frame that never ends, with memory bounded, and recovers', () => {
    const framer = new MllpFramer({ maxFrameBytes: 1024 });
    const before = framer.push(Buffer.concat([frame('first'), Buffer.from([VT])]));
    expect(before.frames.map(String)).toEqual(['first']);
    let overflows = 0;
    for (let i = 0; i < 100; i += 1) {
      const result = framer.push(Buffer.alloc(500, 0x41));
      expect(result.frames).toEqual([]);
      expect(framer.bufferedBytes).toBeLessThanOrEqual(1024);
      if (result.overflow) {
        overflows += 1;
        expect(isGatewayError(result.overflow)).toBe(true);
        expect(result.overflow.category).toBe('too-large');
      }
    }
    expect(overflows).toBe(1);
    expect(framer.oversizedFrames).toBe(1);
    expect(decodeAll(framer, [Buffer.from([FS, CR]), frame('after')])).toEqual(['after']);
  });

  it('returns frames completed before the overflow in the same chunk', () => {
    const framer = new MllpFramer({ maxFrameBytes: 10 });
    const result = framer.push(Buffer.concat([frame('ok'), Buffer.from([VT]), Buffer.alloc(50, 0x41)]));
    expect(result.frames.map(String)).toEqual(['ok']);
    expect(result.overflow?.code).toBe('ING-MLLP-FRAME-TOO-LARGE');
  });

  it('accepts a frame of exactly the cap', () => {
    const framer = new MllpFramer({ maxFrameBytes: 10 });
    const result = framer.push(frame('0123456789'));
    expect(result.overflow).toBeUndefined();
    expect(result.frames.map(String)).toEqual(['0123456789']);
  });

  it('frames the corpus .mllp files', () => {
    const single = readFileSync(join(CORPUS, 'single-A01-02.mllp'));
    const stream = readFileSync(join(CORPUS, 'stream-A01-A03-A08.mllp'));
    const framer = new MllpFramer();
    const one = framer.push(single).frames;
    expect(one).toHaveLength(1);
    expect(one[0]?.subarray(0, 4).toString()).toBe('MSH|');
    const three = decodeAll(new MllpFramer(), bytesOneByOne(stream));
    expect(three).toHaveLength(3);
    expect(three.map((m) => m.split('|')[8])).toEqual(['ADT^A01^ADT_A01', 'ADT^A03^ADT_A03', 'ADT^A08^ADT_A08']);
  });

  it('yields exactly the frames for any chunking of any stream of frames (property)', () => {
    const payload = fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes.filter((b) => b !== VT && b !== FS)));
    fc.assert(
      fc.property(fc.array(payload, { maxLength: 8 }), fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1 }), (payloads, cuts) => {
        const stream = Buffer.concat(payloads.map((p) => encodeFrame(p)));
        const chunks: Buffer[] = [];
        let pos = 0;
        for (let i = 0; pos < stream.length; i += 1) {
          const size = cuts[i % cuts.length] ?? 1;
          chunks.push(stream.subarray(pos, pos + size));
          pos += size;
        }
        const framer = new MllpFramer();
        const frames = chunks.flatMap((chunk) => framer.push(chunk).frames);
        expect(frames.map((f) => f.toString('hex'))).toEqual(payloads.map((p) => p.toString('hex')));
        expect(framer.discardedBytes).toBe(0);
      }),
      { numRuns: 300 },
    );
  });
});

describe('encodeFrame', () => {
  it('wraps a payload in VT … FS CR', () => {
    expect([...encodeFrame('AB')]).toEqual([VT, 0x41, 0x42, FS, CR]);
  });

  it('refuses a payload holding a control byte that would break framing', () => {
    expect(() => encodeFrame(Buffer.from([0x41, FS]))).toThrow(/VT or FS/);
  });
});
