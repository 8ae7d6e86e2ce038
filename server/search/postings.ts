// Small pieces the search index is built from, by hand because they sit on its hottest paths and
// no maintained library offers them for plain arrays: a top-k selection (a bounded binary heap)
// and the varint codec of the snapshot's posting lists.

/**
 * Keeps the `k` best of the slots offered, by `better(a, b)` (true when a ranks before b), in
 * O(n log k); `sorted()` answers them best first.
 */
export class TopK {
  private heap: number[] = [];
  constructor(private k: number, private better: (a: number, b: number) => boolean) {}

  /** Whether `offer(slot)` would keep it: asked first, it spares the caller's other tests for most slots. */
  admits(slot: number): boolean {
    return this.heap.length < this.k || (this.k > 0 && this.better(slot, this.heap[0]!));
  }

  offer(slot: number): void {
    const h = this.heap;
    if (h.length < this.k) {
      h.push(slot);
      this.up(h.length - 1);
    } else if (this.k > 0 && this.better(slot, h[0]!)) {
      h[0] = slot;
      this.down(0);
    }
  }

  sorted(): number[] {
    return [...this.heap].sort((a, b) => (this.better(a, b) ? -1 : this.better(b, a) ? 1 : 0));
  }

  // A min-heap by rank: the worst kept slot at the root, replaced when a better one comes.
  private up(i: number): void {
    const h = this.heap;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.better(h[p]!, h[i]!)) break;
      [h[p], h[i]] = [h[i]!, h[p]!];
      i = p;
    }
  }

  private down(i: number): void {
    const h = this.heap;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let worst = i;
      if (l < h.length && this.better(h[worst]!, h[l]!)) worst = l;
      if (r < h.length && this.better(h[worst]!, h[r]!)) worst = r;
      if (worst === i) return;
      [h[worst], h[i]] = [h[i]!, h[worst]!];
      i = worst;
    }
  }
}

/** Ascending slots and their weights as varints: each slot as the gap from the one before. */
export function encodePostings(slots: ArrayLike<number>, weights: ArrayLike<number>): string {
  const out = Buffer.allocUnsafe(slots.length * 6);
  let at = 0;
  const put = (n: number) => {
    while (n >= 0x80) {
      out[at++] = (n & 0x7f) | 0x80;
      n = Math.floor(n / 128);
    }
    out[at++] = n;
  };
  let prev = 0;
  for (let i = 0; i < slots.length; i++) {
    put(slots[i]! - prev);
    put(weights[i]!);
    prev = slots[i]!;
  }
  return out.subarray(0, at).toString('base64');
}

/** How many postings an encoded list holds (two varints each; a varint ends at a byte below 0x80). */
export function countPostings(bytes: Uint8Array): number {
  let ends = 0;
  for (let i = 0; i < bytes.length; i++) if (bytes[i]! < 0x80) ends++;
  return ends >> 1;
}

/** Decodes into arrays sized by countPostings. */
export function decodePostingsInto(bytes: Uint8Array, slots: Int32Array, weights: Uint8Array): void {
  let i = 0;
  const get = () => {
    let n = 0;
    let scale = 1;
    for (;;) {
      const b = bytes[i++]!;
      n += (b & 0x7f) * scale;
      if (b < 0x80) return n;
      scale *= 128;
    }
  };
  let prev = 0;
  for (let k = 0; k < slots.length; k++) {
    prev += get();
    slots[k] = prev;
    weights[k] = get();
  }
}
