// A round-robin HTTP proxy on loopback, as a load balancer in front of bot replicas: each request
// goes to the next backend; a connection refused or reset before any answer came is tried on the
// next one (passive failover, like a balancer with retries). Headers and body pass through as
// received, so Slack's signature still verifies. One connection per forwarded request (no
// keep-alive to backends), so that a reset means a request was cut while a backend had it.
// Optionally it also checks each backend's readiness every few ms and skips the ones that answered
// anything but 200 (active health checks, as a balancer in front of a replica that is draining).
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
  /** Backends whose latest readiness check did not answer 200; until a check has answered, a backend counts as ready. */
  readonly unready = new Set<number>();
  /** Every backend a readiness check has ever found not ready. */
  readonly seenUnready = new Set<number>();
  private checking: NodeJS.Timeout | undefined;

  constructor(
    public backends: number[],
    private readonly readiness?: { path: string; everyMs: number },
  ) {
    this.server = createServer((req, res) => void this.handle(req, res));
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    if (this.readiness) void this.checkReadiness(this.readiness);
    return this;
  }

  /** One check of every backend at a time, so that an older answer never overrides a newer one. */
  private async checkReadiness(readiness: { path: string; everyMs: number }): Promise<void> {
    await Promise.all(
      this.backends.map(async (port) => {
        // A backend that does not answer within a few intervals counts as not ready, as a balancer's check times out.
        const status = await fetch(`http://127.0.0.1:${port}${readiness.path}`, {
          signal: AbortSignal.timeout(readiness.everyMs * 10),
        }).then(
          async (res) => {
            await res.arrayBuffer();
            return res.status;
          },
          () => 0,
        );
        if (status === 200) return void this.unready.delete(port);
        this.unready.add(port);
        this.seenUnready.add(port);
      }),
    );
    if (this.server.listening) this.checking = setTimeout(() => void this.checkReadiness(readiness), readiness.everyMs);
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async stop(): Promise<void> {
    clearTimeout(this.checking);
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    const ready = this.backends.filter((port) => !this.unready.has(port));
    const candidates = ready.length ? ready : this.backends;
    for (let tried = 0; tried < candidates.length; tried++) {
      const port = candidates[this.next++ % candidates.length]!;
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
