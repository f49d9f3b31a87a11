/** The batcher: idle calls start at once, calls made during a batch go together in the next, errors reach every caller. */
import { describe, expect, it } from 'vitest';
import { createBatcher, createKeyedBatcher } from '../../src/shared/batcher.ts';

/** A batch function whose batches finish only when the test says so. */
function controlled() {
  const batches: { inputs: readonly number[]; finish(error?: Error): void }[] = [];
  const run = (inputs: readonly number[]) =>
    new Promise<number[]>((resolve, reject) => {
      batches.push({ inputs, finish: (error) => (error ? reject(error) : resolve(inputs.map((n) => n * 10))) });
    });
  return { batches, run };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('createBatcher', () => {
  it('starts the first call at once and serves the calls made meanwhile with one batch', async () => {
    const { batches, run } = controlled();
    const call = createBatcher(run, { maxBatch: 10 });
    const first = call(1);
    await tick();
    expect(batches.map((b) => b.inputs)).toEqual([[1]]);
    const later = [call(2), call(3), call(4)];
    await tick();
    expect(batches).toHaveLength(1);
    batches[0]?.finish();
    expect(await first).toBe(10);
    await tick();
    expect(batches.map((b) => b.inputs)).toEqual([[1], [2, 3, 4]]);
    batches[1]?.finish();
    expect(await Promise.all(later)).toEqual([20, 30, 40]);
  });

  it('takes calls of the same tick together and splits batches at maxBatch', async () => {
    const { batches, run } = controlled();
    const call = createBatcher(run, { maxBatch: 2 });
    const results = [call(1), call(2), call(3)];
    await tick();
    expect(batches.map((b) => b.inputs)).toEqual([[1, 2]]);
    batches[0]?.finish();
    await tick();
    expect(batches.map((b) => b.inputs)).toEqual([[1, 2], [3]]);
    batches[1]?.finish();
    expect(await Promise.all(results)).toEqual([10, 20, 30]);
  });

  it('fails every call of a failed batch, and goes on with the next', async () => {
    const { batches, run } = controlled();
    const call = createBatcher(run, { maxBatch: 10 });
    const failing = [call(1), call(2)];
    await tick();
    batches[0]?.finish(new Error('database down'));
    await expect(failing[0]).rejects.toThrow('database down');
    await expect(failing[1]).rejects.toThrow('database down');
    const next = call(3);
    await tick();
    batches[1]?.finish();
    expect(await next).toBe(30);
  });

  it('keeps calls of different keys apart', async () => {
    const seen: [string, readonly number[]][] = [];
    const a = { name: 'a' };
    const b = { name: 'b' };
    const call = createKeyedBatcher(async (key: { name: string }, inputs: readonly number[]) => {
      seen.push([key.name, inputs]);
      return inputs.map((n) => `${key.name}${n}`);
    }, { maxBatch: 10 });
    expect(await Promise.all([call(a, 1), call(b, 2), call(a, 3)])).toEqual(['a1', 'b2', 'a3']);
    expect(seen).toEqual([['a', [1, 3]], ['b', [2]]]);
  });
});
