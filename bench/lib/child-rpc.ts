/**
 * Request/response calls to a forked helper process (TypeScript through tsx), used to keep load generators
 * and CPU-heavy peers off the event loop of the server under test. Values cross as JSON (NaN becomes null).
 */
import { type ChildProcess, fork } from 'node:child_process';

type Reply = { id: number; result?: unknown; error?: string };

/** The parent's handle on a helper process. */
export interface ChildRpc {
  call<T>(method: string, arg?: unknown): Promise<T>;
  close(): void;
}

/** Forks `module` (a .ts file that calls {@link serveRpc}). */
export function startChild(module: URL): ChildRpc {
  const child: ChildProcess = fork(module, [], { execArgv: ['--import', 'tsx'], stdio: 'inherit' });
  let nextId = 0;
  const waiting = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  child.on('message', (reply: Reply) => {
    const pending = waiting.get(reply.id);
    waiting.delete(reply.id);
    if (reply.error !== undefined) pending?.reject(new Error(`${module.pathname.split('/').pop()}: ${reply.error}`));
    else pending?.resolve(reply.result);
  });
  child.on('exit', (code) => {
    for (const pending of waiting.values()) pending.reject(new Error(`helper process exited with ${code}`));
    waiting.clear();
  });
  return {
    call<T>(method: string, arg?: unknown): Promise<T> {
      const id = nextId++;
      return new Promise<T>((resolve, reject) => {
        waiting.set(id, { resolve: (value) => resolve(value as T), reject });
        child.send({ id, method, arg });
      });
    },
    close() {
      if (child.connected) child.disconnect();
    },
  };
}

/** In the helper process: answers calls with `handlers`; exits when the parent disconnects. */
export function serveRpc(handlers: Record<string, (arg: unknown) => Promise<unknown>>): void {
  process.on('message', (message: { id: number; method: string; arg: unknown }) => {
    const handler = handlers[message.method];
    const result = handler ? handler(message.arg) : Promise.reject(new Error(`no method ${message.method}`));
    result.then(
      (value) => process.send?.({ id: message.id, result: value }),
      (error: unknown) => process.send?.({ id: message.id, error: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
    );
  });
  process.on('disconnect', () => process.exit(0));
}
