// A round-robin HTTP proxy on loopback, as a load balancer in front of bot replicas: each request
// goes to the next backend; a connection refused or reset before any answer came is tried on the
// next one (passive failover, like a balancer with retries). Headers and body pass through as
// received, so Slack's signature still verifies. One connection per forwarded request (no
// keep-alive to backends), so that a reset means a request was cut while a backend had it.
import { createServer, type IncomingMessage, request, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

const FAILOVER = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE']);

export class RoundRobinProxy {
  private next = 0;
  private readonly server: Server;
  /** Answers forwarded, by backend port. */
  readonly answered = new Map<number, number>();
  /** Requests being forwarded now, by backend port. */
  readonly inFlight = new Map<number, number>();
  /** Requests a backend took and then dropped (reset) before answering; each was tried on another. */
  cut = 0;
  port = 0;

  constructor(public backends: number[]) {
    this.server = createServer((req, res) => void this.handle(req, res));
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    for (let tried = 0; tried < this.backends.length; tried++) {
      const port = this.backends[this.next++ % this.backends.length]!;
      const count = (by: number) => this.inFlight.set(port, (this.inFlight.get(port) ?? 0) + by);
      count(1);
      const answer = await forward(port, req, body).catch((err: NodeJS.ErrnoException) => {
        if (!FAILOVER.has(err.code ?? '')) throw err;
        if (err.code !== 'ECONNREFUSED') this.cut += 1;
        return null;
      });
      if (!answer) {
        count(-1);
        continue;
      }
      res.once('close', () => count(-1));
      this.answered.set(port, (this.answered.get(port) ?? 0) + 1);
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.once('error', () => res.destroy());
      answer.pipe(res);
      return;
    }
    res.writeHead(502).end('no backend answered');
  }
}

function forward(port: number, req: IncomingMessage, body: Buffer): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const out = request(
      { host: '127.0.0.1', port, method: req.method, path: req.url, headers: { ...req.headers, connection: 'close' }, agent: false },
      resolve,
    );
    out.once('error', reject);
    out.end(body);
  });
}
