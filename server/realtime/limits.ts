// Per-socket and per-address bounds, so that one client cannot take the server's memory or time
// (API.md, Realtime). Written by hand: each is a few lines of arithmetic on state the socket already
// owns; a keyed limiter library would add a map lookup and timers per socket for the same result,
// and these bounds are per process by design (a socket lives on one process).
import type { IncomingMessage } from 'node:http';

export interface SocketLimits {
  /** Threads and forums one socket may watch at once. */
  maxWatches: number;
  /** Open connections per client address on one process. */
  maxPerAddress: number;
  /** Sustained client → server events per second, per socket. */
  eventsPerSecond: number;
  /** Events a socket may send at once before the rate applies. */
  eventBurst: number;
}

/**
 * One socket's event budget: a token bucket (`eventBurst` events at once, then `eventsPerSecond`
 * on average) and how many events it refused in a row. Every event a client sends spends a token,
 * whatever its name; beyond the rate an event is dropped unheard and its ack answers
 * `rate_limited`; a socket that sends more than a whole burst in a row without waiting for the
 * rate is disconnected. Three numbers per socket: the limits and the clock are passed in, so
 * thousands of idle sockets keep no closures or copies of them.
 */
export class EventBudget {
  private tokens: number;
  private at: number;
  private refusedInARow = 0;

  constructor(limits: Pick<SocketLimits, 'eventBurst'>, now: number) {
    this.tokens = limits.eventBurst;
    this.at = now;
  }

  /** 'ok': the event may be heard; 'rate': refused; 'flood': refused, and the socket is to be cut off. */
  spend(limits: Pick<SocketLimits, 'eventsPerSecond' | 'eventBurst'>, now: number): 'ok' | 'rate' | 'flood' {
    this.tokens = Math.min(limits.eventBurst, this.tokens + (Math.max(0, now - this.at) / 1000) * limits.eventsPerSecond);
    this.at = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      this.refusedInARow = 0;
      return 'ok';
    }
    return ++this.refusedInARow > limits.eventBurst ? 'flood' : 'rate';
  }
}

/**
 * The threads and forums one socket watches, as keys (`t:<id>`, `f:<id>`). `reserve` takes the
 * slot before any store read, so concurrent watches cannot all pass a cap none of them has counted
 * yet: it answers `held` when the key was already watched, `new` when it took a slot (give it back
 * with `release` if the watch fails), `full` when the cap is reached. An array, not a Set: a tab
 * watches one or two keys, and a Set's table is over 100 bytes on every idle socket (the cap,
 * SOCKET_MAX_WATCHES, bounds the scan and the copy).
 */
export class WatchBudget {
  // Replaced, never grown in place: a pushed-to array reserves room for 16 more keys.
  private keys: readonly string[] = [];

  constructor(private max: number) {}

  reserve(key: string): 'held' | 'new' | 'full' {
    if (this.keys.includes(key)) return 'held';
    if (this.keys.length >= this.max) return 'full';
    this.keys = [...this.keys, key];
    return 'new';
  }

  release(key: string): void {
    if (this.keys.includes(key)) this.keys = this.keys.filter((k) => k !== key);
  }

  get size(): number {
    return this.keys.length;
  }
}

/** Open connections per client address on this process. */
export class AddressCount {
  private open = new Map<string, number>();

  constructor(private max: number) {}

  full(address: string): boolean {
    return (this.open.get(address) ?? 0) >= this.max;
  }

  /** Counts a new connection; false (and nothing counted) when the address is at the cap. */
  tryOpen(address: string): boolean {
    const n = this.open.get(address) ?? 0;
    if (n >= this.max) return false;
    this.open.set(address, n + 1);
    return true;
  }

  close(address: string): void {
    const n = (this.open.get(address) ?? 0) - 1;
    if (n > 0) this.open.set(address, n);
    else this.open.delete(address);
  }
}

/**
 * The site's own origin: PUBLIC_URL's when it is set, else whatever host the request was sent to
 * (any scheme: TLS may end at a proxy). A handshake without Origin comes from a client that is not
 * a browser page (browsers send Origin on every WebSocket handshake and every cross-origin
 * request; a cross-site request without it, such as an image, carries no SameSite=Lax cookie and
 * cannot read the answer), so it is allowed; `Origin: null` (sandboxed frames, files) is not.
 */
export function sameSiteOrigin(req: IncomingMessage, siteOrigin: string | undefined): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  if (siteOrigin) return origin === siteOrigin;
  let site: URL;
  try {
    site = new URL(origin);
  } catch {
    return false;
  }
  // A Host without a port names the scheme's default one: behind a TLS proxy, https on 443.
  const host = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(req.headers.host ?? '');
  const originPort = site.port || (site.protocol === 'https:' ? '443' : '80');
  return !!host && host[1]!.toLowerCase() === site.hostname && (host[2] ?? originPort) === originPort;
}
