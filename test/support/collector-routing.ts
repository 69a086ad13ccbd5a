/**
 * The two decisions the gateway topology (collector-config/gateway) makes from a trace ID or a
 * service name, computed the way the collector v0.161 computes them, so a test can say which
 * traces must be kept and which gateway must receive what — exactly, with no statistical
 * tolerance:
 *
 * - tail_sampling's `probabilistic` policy (processor/tailsamplingprocessor v0.161.0,
 *   internal/sampling/probabilistic.go): FNV-1a 64 of the hash salt followed by the 16 trace-ID
 *   bytes, sampled when at most `calculateThreshold(percentage / 100)` (big.Float product of
 *   2^64-1 and the ratio at 64-bit precision, rounded to nearest even, then truncated). The
 *   W3C-tracestate variant is behind an alpha feature gate that is off.
 * - the `load_balancing` exporter's consistent hash ring (exporter/loadbalancingexporter
 *   v0.161.0, consistent_hashing.go): 200 points per endpoint at CRC-32 (IEEE) of the endpoint
 *   and the little-endian point index, modulo 131071, collisions probed linearly; a key goes to
 *   the first point at or after CRC-32 of the key modulo 131071. Keys: the 16 trace-ID bytes
 *   (`routing_key: traceID`), `service.name=<name>|` for spans and `<name>` for metrics
 *   (`routing_key: service`). The static resolver sorts the endpoints first.
 */

const MAX_UINT64 = (1n << 64n) - 1n;
const FNV_OFFSET = 0xcbf29ce484222325n;
const FNV_PRIME = 0x100000001b3n;

/** The tail-sampling processor's default `hash_salt`. */
export const DEFAULT_HASH_SALT = 'default-hash-seed';

function hexBytes(hex: string): Uint8Array {
  if (!/^[0-9a-f]{32}$/i.test(hex)) throw new Error(`not a 32-digit hex trace ID: ${hex}`);
  return Uint8Array.from(hex.match(/../g)!.map((b) => Number.parseInt(b, 16)));
}

/** FNV-1a, 64 bits, over the concatenation of `parts`. */
export function fnv1a64(...parts: Uint8Array[]): bigint {
  let h = FNV_OFFSET;
  for (const part of parts) {
    for (const byte of part) h = ((h ^ BigInt(byte)) * FNV_PRIME) & MAX_UINT64;
  }
  return h;
}

/** The mantissa and binary exponent of a finite positive double: `value = m * 2^e`. */
function decompose(value: number): { m: bigint; e: number } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, value);
  const bits = view.getBigUint64(0);
  const exponent = Number((bits >> 52n) & 0x7ffn);
  const fraction = bits & ((1n << 52n) - 1n);
  if (exponent === 0) return { m: fraction, e: -1074 };
  return { m: fraction | (1n << 52n), e: exponent - 1075 };
}

/**
 * The policy's threshold for `percentage`: `(2^64-1) * (percentage/100)` computed as Go's
 * big.Float does at 64-bit precision (round to nearest even), truncated to an integer.
 */
export function samplingThreshold(percentage: number): bigint {
  const ratio = percentage / 100;
  if (!(ratio > 0)) return 0n;
  const { m, e } = decompose(ratio);
  let product = MAX_UINT64 * m;
  const bits = product.toString(2).length;
  if (bits > 64) {
    const shift = BigInt(bits - 64);
    let q = product >> shift;
    const rem = product & ((1n << shift) - 1n);
    const half = 1n << (shift - 1n);
    if (rem > half || (rem === half && (q & 1n) === 1n)) q += 1n;
    product = q << shift;
  }
  const whole = e >= 0 ? product << BigInt(e) : product >> BigInt(-e);
  return whole > MAX_UINT64 ? MAX_UINT64 : whole;
}

/** Whether tail sampling's probabilistic policy at `percentage` keeps trace `traceId` (hex). */
export function probabilisticKeeps(
  traceId: string,
  percentage: number,
  salt: string = DEFAULT_HASH_SALT,
): boolean {
  const hash = fnv1a64(new TextEncoder().encode(salt), hexBytes(traceId));
  return hash <= samplingThreshold(percentage);
}

// ---------------------------------------------------------------- load balancing

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32 (IEEE), as Go's hash/crc32.ChecksumIEEE. */
export function crc32(...parts: Uint8Array[]): number {
  let c = 0xffffffff;
  for (const part of parts) {
    for (const byte of part) c = CRC_TABLE[(c ^ byte) & 0xff]! ^ (c >>> 8);
  }
  return (c ^ 0xffffffff) >>> 0;
}

const MAX_POSITIONS = 131071;
const POINTS_PER_ENDPOINT = 200;
const PROBE_LIMIT = 10;

/** The load-balancing exporter's ring over a static list of endpoints. */
export class HashRing {
  private readonly items: ReadonlyArray<{ pos: number; endpoint: string }>;

  constructor(endpoints: readonly string[]) {
    const encoder = new TextEncoder();
    const candidates: Array<{ pos: number; hash: number; endpoint: string }> = [];
    for (const endpoint of [...endpoints].sort()) {
      const name = encoder.encode(endpoint);
      for (let i = 0; i < POINTS_PER_ENDPOINT; i++) {
        const index = new Uint8Array(4);
        new DataView(index.buffer).setUint32(0, i, true);
        const hash = crc32(name, index);
        candidates.push({ pos: hash % MAX_POSITIONS, hash, endpoint });
      }
    }
    candidates.sort(
      (a, b) =>
        a.pos - b.pos ||
        a.hash - b.hash ||
        (a.endpoint < b.endpoint ? -1 : a.endpoint > b.endpoint ? 1 : 0),
    );
    const used = new Set<number>();
    const items: Array<{ pos: number; endpoint: string }> = [];
    for (const c of candidates) {
      let pos = c.pos;
      let probed = 0;
      while (used.has(pos) && probed < PROBE_LIMIT) {
        pos = (pos + 1) % MAX_POSITIONS;
        probed++;
      }
      if (probed >= PROBE_LIMIT) continue;
      used.add(pos);
      items.push({ pos, endpoint: c.endpoint });
    }
    items.sort((a, b) => a.pos - b.pos);
    this.items = items;
  }

  /** The endpoint that receives data with routing key `key`. */
  endpointFor(key: Uint8Array): string {
    const pos = crc32(key) % MAX_POSITIONS;
    let lo = 0;
    let hi = this.items.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.items[mid]!.pos < pos) lo = mid + 1;
      else hi = mid;
    }
    return (this.items[lo] ?? this.items[0]!).endpoint;
  }

  /** The endpoint of a trace (`routing_key: traceID`). */
  endpointForTrace(traceId: string): string {
    return this.endpointFor(hexBytes(traceId));
  }

  /** The endpoint of a service's spans (`routing_key: service`). */
  endpointForServiceSpans(service: string): string {
    return this.endpointFor(new TextEncoder().encode(`service.name=${service}|`));
  }

  /** The endpoint of a service's metrics (`routing_key: service`). */
  endpointForServiceMetrics(service: string): string {
    return this.endpointFor(new TextEncoder().encode(service));
  }
}
