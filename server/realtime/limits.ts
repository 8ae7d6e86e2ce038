// Per-socket and per-address bounds, so that one client cannot take the server's memory or time
// (API.md, Realtime). Written by hand: each is a few lines of arithmetic on state the socket already
// owns; a keyed limiter library would add a map lookup and timers per socket for the same result,
// and these bounds are per process by design (a socket lives on one process).
import type { IncomingMessage } from 'node:http';
import { RateLimited } from '../errors.js';
import { toAck } from '../http/errors.js';
import { reply } from './handlers.js';
import type { AgoraSocket } from './index.js';

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

/** A token bucket: `burst` events at once, then `perSecond` on average. */
export class TokenBucket {
  private tokens: number;
  private at: number;

  constructor(
    private perSecond: number,
    private burst: number,
    private now: () => number,
  ) {
    this.tokens = burst;
    this.at = now();
  }

  take(): boolean {
    const t = this.now();
    this.tokens = Math.min(this.burst, this.tokens + (Math.max(0, t - this.at) / 1000) * this.perSecond);
    this.at = t;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

/**
 * socket.use middleware: every event a client sends spends a token, whatever its name. Beyond the
 * rate an event is dropped unheard and its ack answers `rate_limited`; a socket that sends more
 * than a whole burst in a row without waiting for the rate is disconnected.
 */
export function eventBudget(socket: AgoraSocket, limits: SocketLimits, now: () => number, refused: (reason: 'rate' | 'flood') => void) {
  const bucket = new TokenBucket(limits.eventsPerSecond, limits.eventBurst, now);
  let refusedInARow = 0;
  return (packet: unknown[], next: (err?: Error) => void): void => {
    if (bucket.take()) {
      refusedInARow = 0;
      return next();
    }
    refused('rate');
    reply(packet[packet.length - 1], toAck(new RateLimited(1, 'Too many events; slow down.')));
    if (++refusedInARow > limits.eventBurst && socket.connected) {
      refused('flood');
      socket.disconnect(true);
    }
  };
}

/**
 * The threads and forums one socket watches, as keys (`t:<id>`, `f:<id>`). `reserve` takes the
 * slot before any store read, so concurrent watches cannot all pass a cap none of them has counted
 * yet: it answers `held` when the key was already watched, `new` when it took a slot (give it back
 * with `release` if the watch fails), `full` when the cap is reached.
 */
export class WatchBudget {
  private keys = new Set<string>();

  constructor(private max: number) {}

  reserve(key: string): 'held' | 'new' | 'full' {
    if (this.keys.has(key)) return 'held';
    if (this.keys.size >= this.max) return 'full';
    this.keys.add(key);
    return 'new';
  }

  release(key: string): void {
    this.keys.delete(key);
  }

  get size(): number {
    return this.keys.size;
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
