// The orchestrator ↔ load-generator protocol over Node's IPC channel: one request, one reply,
// matched by an `id`; every request is bounded in time on the orchestrator's side.
import type { Child } from './processes.js';

type Wire<T> = T & { id: number };
type Reply = { id: number; ok: true } | { id: number; ok: false; error: string };

/** The orchestrator's end: `call` sends a request and resolves with the generator's answer. */
export class GeneratorChannel<Req extends { op: string }, Ok extends object> {
  private next = 1;
  private pending = new Map<number, { resolve: (r: Ok) => void; reject: (e: Error) => void }>();

  constructor(readonly proc: Child) {
    proc.child.on('message', (r: Reply & Ok) => {
      const p = this.pending.get(r.id);
      this.pending.delete(r.id);
      if (!p) return;
      if (r.ok) p.resolve(r);
      else p.reject(new Error(`${proc.name}: ${r.error}`));
    });
    proc.child.once('exit', (code, signal) => {
      for (const p of this.pending.values()) p.reject(new Error(`${proc.name} process exited (${code ?? signal}):\n${proc.output()}`));
      this.pending.clear();
    });
  }

  call(req: Req, timeoutMs: number): Promise<Ok> {
    const id = this.next++;
    return new Promise<Ok>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${this.proc.name}: no answer to ${req.op} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, {
        resolve: (r) => (clearTimeout(timer), resolve(r)),
        reject: (e) => (clearTimeout(timer), reject(e)),
      });
      this.proc.child.send({ ...req, id } satisfies Wire<Req>);
    });
  }

  /** Drops the channel, which ends the generator (see `serveRequests`), and waits for its exit. */
  async stop(): Promise<void> {
    if (this.proc.child.connected) this.proc.child.disconnect();
    await this.proc.stop();
  }
}

/**
 * The generator's end: answers each request with what `handle` resolves to (or its error), and
 * exits when the orchestrator goes away, after `onClose`.
 */
export function serveRequests<Req extends { op: string }>(handle: (req: Req) => Promise<object>, onClose: () => void): void {
  process.on('message', (msg: Wire<Req>) => {
    const send = (r: Reply) => process.send?.(r);
    handle(msg).then(
      (r) => send({ ...r, id: msg.id, ok: true }),
      (err: Error) => send({ id: msg.id, ok: false, error: err.message }),
    );
  });
  process.on('disconnect', () => {
    onClose();
    process.exit(0);
  });
}

/** What a socket generator keeps per named set of client sockets: enough to close it. */
export interface ClosableSet { sockets: ({ disconnect(): unknown } | undefined)[]; waiters: Set<unknown> }

/** Disconnects the sockets of set `name` (every set when absent) and forgets it (the generators' close op). */
export function closeSets(sets: Map<string, ClosableSet>, name?: string): void {
  for (const [n, set] of sets) {
    if (name !== undefined && n !== name) continue;
    set.waiters.clear();
    for (const s of set.sockets) s?.disconnect();
    sets.delete(n);
  }
}
