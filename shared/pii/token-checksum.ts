// GitHub's token checksum (github.blog, "Behind GitHub's new authentication token formats",
// 2021): the last six characters of a 40-character token are the CRC32 of the 30 random ones,
// in base62 (0-9A-Za-z) padded with '0'. Written by hand because the detector also runs in the
// browser, where there is no zlib, and CRC32 is a dozen lines.

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

let table: Uint32Array | null = null;

function crcTable(): Uint32Array {
  if (table) return table;
  table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
}

/** CRC-32 (IEEE 802.3, as zlib) of an ASCII string. */
export function crc32(ascii: string): number {
  const t = crcTable();
  let crc = 0xffffffff;
  for (let i = 0; i < ascii.length; i++) crc = (t[(crc ^ ascii.charCodeAt(i)) & 0xff] as number) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function base62(n: number, width: number): string {
  let s = '';
  let v = n;
  do {
    s = BASE62[v % 62] + s;
    v = Math.floor(v / 62);
  } while (v > 0);
  return s.padStart(width, '0');
}

/** True when a 36-character GitHub token body (after `ghp_` …) carries its own checksum. */
export function hasGithubChecksum(body: string): boolean {
  return body.length === 36 && base62(crc32(body.slice(0, 30)), 6) === body.slice(30);
}
