/**
 * The tail-sampling hash and the load-balancing ring of test/support/collector-routing.ts
 * against values the collector's own Go code (v0.161.0: probabilistic.go, consistent_hashing.go)
 * printed for the same inputs. The gateway end-to-end test checks them against the running
 * collectors as well.
 */
import { describe, expect, it } from 'vitest';
import {
  crc32,
  fnv1a64,
  HashRing,
  probabilisticKeeps,
  samplingThreshold,
} from '../support/collector-routing.ts';

const bytes = (hex: string) =>
  Uint8Array.from(hex.match(/../g)!.map((b) => Number.parseInt(b, 16)));
const text = (s: string) => new TextEncoder().encode(s);

describe('tail sampling probabilistic policy', () => {
  it('computes the threshold as big.Float does', () => {
    expect(samplingThreshold(10)).toBe(1844674407370955263n);
    expect(samplingThreshold(25)).toBe(4611686018427387903n);
    expect(samplingThreshold(33.3)).toBe(6142765776545279999n);
    expect(samplingThreshold(50)).toBe(9223372036854775807n);
    expect(samplingThreshold(0.1)).toBe(18446744073709551n);
    expect(samplingThreshold(100)).toBe((1n << 64n) - 1n);
    expect(samplingThreshold(0)).toBe(0n);
  });

  it('hashes the salt and the trace-ID bytes with FNV-1a', () => {
    const vectors: Array<[string, bigint]> = [
      ['0af7651916cd43dd8448eb211c80319c', 3728843964641534796n],
      ['4bf92f3577b34da6a3ce929d0e0e4736', 11908981664384643253n],
      ['00000000000000000000000000000001', 16254957729900898954n],
      ['ffffffffffffffffffffffffffffffff', 1711019809656077869n],
      ['5b8efff798038103d269b633813fc60c', 10804547627798090743n],
    ];
    for (const [id, hash] of vectors)
      expect(fnv1a64(text('default-hash-seed'), bytes(id))).toBe(hash);
    expect(probabilisticKeeps('ffffffffffffffffffffffffffffffff', 10)).toBe(true);
    expect(probabilisticKeeps('0af7651916cd43dd8448eb211c80319c', 10)).toBe(false);
    expect(probabilisticKeeps('0af7651916cd43dd8448eb211c80319c', 25)).toBe(true);
  });
});

describe('load balancing ring', () => {
  it('crc32 is IEEE', () => {
    expect(crc32(text('123456789'))).toBe(0xcbf43926);
  });

  it('routes trace IDs and services as the exporter does', () => {
    const two = new HashRing(['127.0.0.1:41002', '127.0.0.1:41001']);
    const three = new HashRing(['gateway-1:4317', 'gateway-2:4317', 'gateway-3:4317']);
    const traces: Array<[string, string, string]> = [
      ['0af7651916cd43dd8448eb211c80319c', '127.0.0.1:41002', 'gateway-3:4317'],
      ['4bf92f3577b34da6a3ce929d0e0e4736', '127.0.0.1:41001', 'gateway-1:4317'],
      ['00000000000000000000000000000001', '127.0.0.1:41001', 'gateway-3:4317'],
      ['ffffffffffffffffffffffffffffffff', '127.0.0.1:41001', 'gateway-3:4317'],
      ['5b8efff798038103d269b633813fc60c', '127.0.0.1:41002', 'gateway-3:4317'],
    ];
    for (const [id, onTwo, onThree] of traces) {
      expect(two.endpointForTrace(id), id).toBe(onTwo);
      expect(three.endpointForTrace(id), id).toBe(onThree);
    }
    expect(two.endpointForServiceSpans('checkout')).toBe('127.0.0.1:41002');
    expect(two.endpointForServiceMetrics('checkout')).toBe('127.0.0.1:41002');
    expect(two.endpointForServiceSpans('travel-agent')).toBe('127.0.0.1:41001');
    expect(two.endpointForServiceMetrics('travel-agent')).toBe('127.0.0.1:41001');
    // Spans and metrics of one service use different keys, so they may land apart.
    expect(two.endpointForServiceSpans('toolscope-probe')).toBe('127.0.0.1:41001');
    expect(two.endpointForServiceMetrics('toolscope-probe')).toBe('127.0.0.1:41002');
  });
});
