// A full garbage collection in a server process, asked from outside over the V8 inspector protocol
// (the server runs with `--inspect=127.0.0.1:<port>`; nothing is added to its code). The memory
// section reads RSS after one, on every side alike: without it, a figure at 1,000 sockets is mostly
// whatever garbage the last connections left and when V8 last collected it (±25 MiB between
// processes, ±28 KiB per socket), not what the sockets keep.
import WebSocket from 'ws';

interface Target { webSocketDebuggerUrl?: string }

/** Collects garbage twice in the process inspected at `port`, then answers its JS heap in use (bytes). */
export async function collectGarbage(port: number, timeoutMs = 30_000): Promise<number> {
  const targets = (await (await fetch(`http://127.0.0.1:${port}/json/list`, { signal: AbortSignal.timeout(timeoutMs) })).json()) as Target[];
  const url = targets[0]?.webSocketDebuggerUrl;
  if (!url) throw new Error(`no inspector target on port ${port}`);
  const ws = new WebSocket(url);
  try {
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    let next = 0;
    const call = (method: string) => new Promise<Record<string, unknown>>((resolve, reject) => {
      const id = ++next;
      const timer = setTimeout(() => reject(new Error(`${method} did not answer within ${timeoutMs} ms`)), timeoutMs);
      const onMessage = (data: WebSocket.RawData) => {
        const msg = JSON.parse(String(data)) as { id?: number; result?: Record<string, unknown>; error?: { message: string } };
        if (msg.id !== id) return;
        clearTimeout(timer);
        ws.off('message', onMessage);
        if (msg.error) reject(new Error(`${method}: ${msg.error.message}`));
        else resolve(msg.result ?? {});
      };
      ws.on('message', onMessage);
      ws.send(JSON.stringify({ id, method }));
    });
    // Twice: objects freed by the first collection's finalizers and weak callbacks go in the second.
    await call('HeapProfiler.collectGarbage');
    await call('HeapProfiler.collectGarbage');
    return Number((await call('Runtime.getHeapUsage')).usedSize);
  } finally {
    ws.close();
  }
}
