/**
 * Graceful shutdown: on SIGTERM the gateway stops accepting, lets the request in flight finish, closes its
 * database and exits cleanly.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type ChildGateway, createChildGateway } from '../support/child-gateway.ts';

describe('graceful shutdown', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cb-shutdown-'));
  let gateway: ChildGateway | undefined;
  afterAll(async () => {
    await gateway?.kill();
    fs.rmSync(dataDir, { recursive: true, force: true, maxRetries: 5 });
  });

  it('finishes the request in flight, then exits 0 and refuses new connections', { timeout: 180_000 }, async () => {
    gateway = await createChildGateway({ DATA_DIR: dataDir, SHUTDOWN_GRACE_MS: '30000' });
    await gateway.start();
    const port = gateway.httpPort;
    expect((await fetch(`http://127.0.0.1:${port}/fhir/metadata`)).status).toBe(200);
    // A request whose body is still arriving when SIGTERM comes must still be read and answered.
    const answer = new Promise<{ status: number; body: string }>((resolve, reject) => {
      const request = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/fhir', headers: { 'content-type': 'application/fhir+json' } }, (response) => {
        let body = '';
        response.on('data', (chunk: Buffer) => (body += chunk.toString()));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      });
      request.on('error', reject);
      request.write('{"resourceType":"Bundle","type":"batch","entry":[],"padding":"');
      request.write('x'.repeat(500_000));
      request.on('socket', (socket) =>
        socket.once('connect', async () => {
          await gateway?.signal('SIGTERM');
          await new Promise((resolve) => setTimeout(resolve, 500));
          request.end(`${'x'.repeat(500_000)}"}`);
        }),
      );
    });
    const { status, body } = await answer;
    expect(status).toBe(401);
    expect((JSON.parse(body) as { resourceType: string }).resourceType).toBe('OperationOutcome');
    expect(await gateway.exitCode()).toBe(0);
    await expect(fetch(`http://127.0.0.1:${port}/livez`)).rejects.toThrow();
  });
});
