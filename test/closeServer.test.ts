// The HTTP side of a graceful stop (src/app/lifecycle.ts closeServer): a connection the kernel had
// completed while the event loop was busy, request sent, is answered rather than reset when the
// listener closes.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import express from 'express';
import { closeServer, listen } from '../src/app/lifecycle.js';

/** A client in a process of its own: connects, sends one POST, touches `sentFile`, prints the answer's status line or its error. */
function clientScript(port: number, sentFile: string): string {
  return `
    const socket = require('node:net').connect(${port}, '127.0.0.1', () => {
      socket.write('POST /slack/events HTTP/1.1\\r\\nHost: bot\\r\\nContent-Length: 0\\r\\nConnection: close\\r\\n\\r\\n', () =>
        require('node:fs').writeFileSync(${JSON.stringify(sentFile)}, ''));
    });
    let answer = '';
    socket.on('data', (d) => { answer += d; });
    socket.on('end', () => console.log(answer.split('\\r\\n')[0]));
    socket.on('error', (err) => console.log(err.code));`;
}

describe('closeServer', () => {
  it('answers a connection that was waiting to be accepted when the stop began', async () => {
    const app = express();
    app.post('/slack/events', (_req, res) => void res.send('ok'));
    const { server, port } = await listen(app, 0, '127.0.0.1');
    const dir = mkdtempSync(path.join(tmpdir(), 'close-server-'));
    const sentFile = path.join(dir, 'sent');
    try {
      const client = spawn(process.execPath, ['-e', clientScript(port, sentFile)], { stdio: ['ignore', 'pipe', 'inherit'] });
      let printed = '';
      client.stdout.on('data', (d) => {
        printed += d;
      });
      const exited = new Promise((resolve) => client.once('exit', resolve));
      // Busy until the client has connected and sent: the kernel holds the connection, this process
      // has not accepted it (its event loop does not run meanwhile).
      const until = Date.now() + 20_000;
      while (!existsSync(sentFile)) assert.ok(Date.now() < until, 'the client sent its request within 20 s');
      await closeServer(server);
      await exited;
      assert.equal(printed.trim(), 'HTTP/1.1 200 OK');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
