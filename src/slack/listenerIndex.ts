// Bolt tries every registered listener's matchers on every request, one async middleware chain per
// listener (invokeMiddleware was 11 % of a bare event's CPU with 25 listeners, docs/benchmarks.md).
// The features register here instead, with Bolt's own signatures; one global middleware then finds
// a request's handler by its kind and id, and runs it with the arguments Bolt gives a listener.
import type { AllMiddlewareArgs, AnyMiddlewareArgs, App } from '@slack/bolt';

/** The part of Bolt's App a feature registers its listeners on. */
export type ListenerApp = Pick<App, 'action' | 'view' | 'event' | 'command' | 'shortcut'>;
type Kind = keyof ListenerApp;
type Handler = (args: AnyMiddlewareArgs & AllMiddlewareArgs) => Promise<void>;

/** The key a request's handler is registered under: what Bolt's matchers would match it by. */
export function listenerKey(body: Record<string, unknown>): string | undefined {
  const field = (value: unknown, name: string) => (value as Record<string, unknown> | undefined)?.[name];
  switch (body.type) {
    case 'block_actions':
      // Bolt's action payload is the first action.
      return `action:${field((body.actions as unknown[] | undefined)?.[0], 'action_id')}`;
    case 'view_submission':
      return `view:${field(body.view, 'callback_id')}`;
    case 'event_callback':
      return `event:${field(body.event, 'type')}`;
    case 'message_action':
    case 'shortcut':
      return `shortcut:${body.callback_id}`;
  }
  return typeof body.command === 'string' ? `command:${body.command}` : undefined;
}

export class ListenerIndex {
  private readonly handlers = new Map<string, Handler>();

  /** Registers like Bolt's App, by one id (a string) and one function each. */
  readonly app: ListenerApp = {
    action: (id: unknown, ...fns: unknown[]) => this.add('action', id, fns),
    view: (id: unknown, ...fns: unknown[]) => this.add('view', id, fns),
    event: (id: unknown, ...fns: unknown[]) => this.add('event', id, fns),
    command: (id: unknown, ...fns: unknown[]) => this.add('command', id, fns),
    shortcut: (id: unknown, ...fns: unknown[]) => this.add('shortcut', id, fns),
  } as unknown as ListenerApp;

  /** Dispatches to the registered handlers; a request none is registered for goes on through Bolt (unhandledRequests.ts answers it). */
  install(app: App): void {
    app.use(async (args) => {
      const key = listenerKey(args.body as unknown as Record<string, unknown>);
      const handler = key === undefined ? undefined : this.handlers.get(key);
      if (!handler) return args.next();
      await handler({ ...args, next: async () => {} });
    });
  }

  private add(kind: Kind, id: unknown, fns: unknown[]): void {
    const [fn] = fns;
    // Constraint objects, patterns and listener middleware would need Bolt's matchers: none is used.
    if (typeof id !== 'string' || fns.length !== 1 || typeof fn !== 'function') {
      throw new Error(`app.${kind}(${String(id)}): listeners here are registered by one id and one function (src/slack/listenerIndex.ts)`);
    }
    const key = `${kind}:${id}`;
    if (this.handlers.has(key)) throw new Error(`two listeners for ${key}`);
    this.handlers.set(key, fn as Handler);
  }
}
