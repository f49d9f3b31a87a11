/**
 * Serves many concurrent calls with one database round trip. A call made while nothing runs starts a batch at
 * once (with the calls of the same tick); calls made while a batch runs wait for it and go together in the
 * next. So an idle system adds no delay, and a busy one sends one statement where it would have sent one per
 * caller. Every call starts its own work after it was made: nobody is answered from a read that began before it.
 */
export interface BatcherOptions {
  /** Most calls in one batch. */
  maxBatch: number;
}

/**
 * `run` receives the inputs of one batch and returns one output per input, in order; if it throws, every call
 * of the batch fails with that error.
 */
export function createBatcher<I, O>(run: (inputs: readonly I[]) => Promise<readonly O[]>, options: BatcherOptions): (input: I) => Promise<O> {
  const queue: { input: I; resolve(value: O): void; reject(error: unknown): void }[] = [];
  let running = false;
  let scheduled = false;

  const flush = async (): Promise<void> => {
    scheduled = false;
    if (running || queue.length === 0) return;
    running = true;
    const batch = queue.splice(0, options.maxBatch);
    try {
      const outputs = await run(batch.map((call) => call.input));
      batch.forEach((call, i) => call.resolve(outputs[i] as O));
    } catch (error) {
      for (const call of batch) call.reject(error);
    } finally {
      running = false;
      schedule();
    }
  };
  const schedule = () => {
    if (scheduled || running || queue.length === 0) return;
    scheduled = true;
    queueMicrotask(() => void flush());
  };

  return (input) =>
    new Promise<O>((resolve, reject) => {
      queue.push({ input, resolve, reject });
      schedule();
    });
}

/** Like `createBatcher`, with one batcher per key (calls only go together with calls of the same key). */
export function createKeyedBatcher<K extends object, I, O>(run: (key: K, inputs: readonly I[]) => Promise<readonly O[]>, options: BatcherOptions): (key: K, input: I) => Promise<O> {
  const batchers = new WeakMap<K, (input: I) => Promise<O>>();
  return (key, input) => {
    let batcher = batchers.get(key);
    if (!batcher) batchers.set(key, (batcher = createBatcher((inputs: readonly I[]) => run(key, inputs), options)));
    return batcher(input);
  };
}
