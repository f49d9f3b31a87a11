/**
 * A gateway in a child process (`node --import tsx src/main.ts`), for tests that kill it with SIGKILL and
 * start it again on the same database: crash safety cannot be tested in-process.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '../..');

export interface ChildGateway {
  httpPort: number;
  mllpPort: number;
  start(): Promise<void>;
  kill(): Promise<void>;
  stop(): Promise<void>;
  /** Sends a signal without waiting for the process to exit. */
  signal(name: NodeJS.Signals): Promise<void>;
  /** Waits for the process to exit; its exit code (null when killed by a signal). */
  exitCode(): Promise<number | null>;
}

export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export async function createChildGateway(env: Record<string, string>): Promise<ChildGateway> {
  const httpPort = await freePort();
  const mllpPort = await freePort();
  let child: ChildProcess | undefined;
  const fullEnv = {
    ...process.env,
    PORT: String(httpPort),
    HOST: '127.0.0.1',
    BASE_URL: `http://127.0.0.1:${httpPort}`,
    MLLP_PORT: String(mllpPort),
    MLLP_HOST: '127.0.0.1',
    LOAD_DEMO: 'false',
    LOG_LEVEL: 'warn',
    ...env,
  };
  const exited = () =>
    new Promise<void>((resolve) => {
      if (!child || child.exitCode !== null || child.signalCode !== null) resolve();
      else child.once('exit', () => resolve());
    });
  return {
    httpPort,
    mllpPort,
    async start() {
      child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], { cwd: ROOT, env: fullEnv, stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr?.on('data', (chunk: Buffer) => void (stderr = (stderr + chunk.toString()).slice(-4000)));
      const deadline = Date.now() + 120_000;
      while (Date.now() < deadline) {
        if (child.exitCode !== null) throw new Error(`child gateway exited: ${stderr}`);
        if ((await canConnect(mllpPort)) && (await canConnect(httpPort))) return;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      throw new Error(`child gateway did not start: ${stderr}`);
    },
    async kill() {
      child?.kill('SIGKILL');
      await exited();
    },
    async stop() {
      child?.kill('SIGTERM');
      await exited();
    },
    async signal(name) {
      child?.kill(name);
    },
    async exitCode() {
      await exited();
      return child?.exitCode ?? null;
    },
  };
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
