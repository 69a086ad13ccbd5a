/**
 * The travel-planner scenario of the seed, as data: which MCP servers the demo starts, the
 * tools each one serves, and how each tool behaves (lognormal latency, failure rate and kinds,
 * outages). Shared by the parent process and the child server processes.
 */
import { z } from 'zod';

/** How an injected failure reaches the caller. */
export type FailureMode =
  /** The tool answers with an MCP result that has `isError: true` (not worth retrying). */
  | 'isError'
  /** The server rejects the HTTP request with 429 before MCP sees it (retryable). */
  | 'http_429'
  /** The server rejects the HTTP request with 503 before MCP sees it (retryable). */
  | 'http_503';

/** One kind of injected failure and its share of a tool's failures. */
export interface FailureKind {
  /** The `error.type` the caller records; for the HTTP modes, the mode itself. */
  readonly errorType: string;
  readonly mode: FailureMode;
  /** Relative weight among the tool's failure kinds. */
  readonly weight: number;
}

/** How one simulated tool behaves on its server. */
export interface ToolBehaviour {
  readonly name: string;
  readonly description: string;
  /** Median of the lognormal latency, ms. */
  readonly medianMs: number;
  /** Shape of the lognormal latency (sigma of the underlying normal). */
  readonly sigma: number;
  /** Probability that one request fails. */
  readonly failureRate: number;
  readonly failures: readonly FailureKind[];
  /** What the orchestrator declares as the tool's expected response time, ms. */
  readonly expectedPerformanceMs: number;
  /** The MCP input schema (zod raw shape). */
  readonly input: z.ZodRawShape;
  /** Builds a plausible result from the arguments. */
  readonly respond: (args: Record<string, unknown>, pick: (n: number) => number) => unknown;
}

/** One MCP server of the demo. */
export interface ServerSpec {
  readonly id: string;
  /** `child`: its own Node process (the trace crosses processes); `in-process`: same process. */
  readonly placement: 'child' | 'in-process';
  readonly tools: readonly ToolBehaviour[];
  /** Planned outage, as fractions of the run: the server process stops, then starts again. */
  readonly outage?: { readonly from: number; readonly to: number };
}

/** Latency of an HTTP 429/503 rejection: fixed so the injected latency of each call is known. */
export const REJECT_DELAY_MS = 5;

/** Latencies are capped so no request outlives the client's deadline. */
export const MAX_DELAY_MS = 4_000;

/** `_meta` keys the demo servers put on every result (read by the orchestrator's ledger). */
export const META_DELAY = 'toolscope.demo/delay_ms';
export const META_ERROR_TYPE = 'toolscope.demo/error_type';

const CITIES = ['Lisbon', 'Kyoto', 'Oaxaca', 'Tbilisi', 'Montreal', 'Hanoi', 'Naples', 'Seville'];
const CUISINES = ['seafood', 'ramen', 'mole', 'khachapuri', 'bistro', 'pho', 'pizza', 'tapas'];
const NAMES = ['Casa', 'Taberna', 'Maison', 'Osteria', 'Izakaya', 'Comedor', 'Bar', 'Cantina'];
const TRAITS = ['Verde', 'do Mar', 'Hikari', 'Lupita', 'Sol', 'Nuvem', 'Aurora', 'Velha'];

function restaurants(city: string, count: number, pick: (n: number) => number) {
  return Array.from({ length: count }, (_, i) => ({
    id: `${city.toLowerCase()}-${i + 1}`,
    name: `${NAMES[pick(NAMES.length)]} ${TRAITS[pick(TRAITS.length)]}`,
    cuisine: CUISINES[pick(CUISINES.length)],
    rating: 3.5 + pick(16) / 10,
    priceLevel: 1 + pick(4),
  }));
}

const city = { city: z.string().describe('City name') };

/** The scenario's tools, by name. */
export const TOOLS = {
  geocode: {
    name: 'geocode',
    description: 'Resolve a city name to coordinates',
    medianMs: 40,
    sigma: 0.3,
    failureRate: 0.01,
    failures: [{ errorType: 'not_found', mode: 'isError', weight: 1 }],
    expectedPerformanceMs: 250,
    input: city,
    respond: (args, pick) => ({
      city: args.city,
      lat: -40 + pick(8000) / 100,
      lon: -120 + pick(24000) / 100,
    }),
  },
  weather: {
    name: 'weather',
    description: 'Three-day forecast (a flaky upstream: rate limits, 503s, bad answers)',
    medianMs: 110,
    sigma: 0.45,
    failureRate: 0.3,
    failures: [
      { errorType: 'http_429', mode: 'http_429', weight: 3 },
      { errorType: 'http_503', mode: 'http_503', weight: 2 },
      { errorType: 'upstream_error', mode: 'isError', weight: 1 },
    ],
    expectedPerformanceMs: 500,
    input: city,
    respond: (args, pick) => ({
      city: args.city,
      days: [0, 1, 2].map((d) => ({ day: d, highC: 12 + pick(20), rainPct: pick(100) })),
    }),
  },
  hotel_search: {
    name: 'hotel_search',
    description: 'Hotels with availability for the dates',
    medianMs: 380,
    sigma: 0.45,
    failureRate: 0.05,
    failures: [{ errorType: 'upstream_timeout', mode: 'isError', weight: 1 }],
    // Declared when the provider was faster; the report flags the gap.
    expectedPerformanceMs: 600,
    input: { city: z.string(), nights: z.number().int().positive() },
    respond: (args, pick) => ({
      city: args.city,
      hotels: Array.from({ length: 5 }, (_, i) => ({
        id: `h${i + 1}`,
        stars: 2 + pick(4),
        nightlyEur: 60 + pick(240),
      })),
    }),
  },
  restaurant_search: {
    name: 'restaurant_search',
    description: 'Primary restaurant search (goes down mid-run, then recovers)',
    medianMs: 160,
    sigma: 0.5,
    failureRate: 0.03,
    failures: [{ errorType: 'upstream_timeout', mode: 'isError', weight: 1 }],
    expectedPerformanceMs: 500,
    input: { city: z.string(), cuisine: z.string().optional() },
    respond: (args, pick) => ({
      city: args.city,
      results: restaurants(String(args.city), 8, pick),
    }),
  },
  restaurant_search_backup: {
    name: 'restaurant_search_backup',
    description: 'Backup restaurant search: slower, smaller index, steady',
    medianMs: 300,
    sigma: 0.35,
    failureRate: 0.01,
    failures: [{ errorType: 'upstream_timeout', mode: 'isError', weight: 1 }],
    expectedPerformanceMs: 900,
    input: { city: z.string(), cuisine: z.string().optional() },
    respond: (args, pick) => ({
      city: args.city,
      results: restaurants(String(args.city), 5, pick),
    }),
  },
  restaurant_reasoning: {
    name: 'restaurant_reasoning',
    description: 'LLM-backed ranking of restaurants for a traveller profile (heavy tail)',
    medianMs: 520,
    sigma: 0.7,
    failureRate: 0.06,
    failures: [
      { errorType: 'http_503', mode: 'http_503', weight: 2 },
      { errorType: 'context_length_exceeded', mode: 'isError', weight: 1 },
    ],
    expectedPerformanceMs: 2_000,
    input: { mbti: z.string(), restaurantIds: z.array(z.string()) },
    respond: (args, pick) => {
      const ids = (args.restaurantIds as string[]) ?? [];
      return {
        profile: args.mbti,
        recommendations: ids.slice(0, 3).map((id) => ({ id, score: 60 + pick(40) })),
      };
    },
  },
} satisfies Record<string, ToolBehaviour>;

export type ToolName = keyof typeof TOOLS;

/** The servers the demo starts. */
export const SERVERS: readonly ServerSpec[] = [
  { id: 'maps', placement: 'in-process', tools: [TOOLS.geocode] },
  { id: 'weather', placement: 'child', tools: [TOOLS.weather] },
  { id: 'lodging', placement: 'in-process', tools: [TOOLS.hotel_search] },
  {
    id: 'dining',
    placement: 'child',
    tools: [TOOLS.restaurant_search],
    outage: { from: 0.3, to: 0.6 },
  },
  { id: 'dining-backup', placement: 'in-process', tools: [TOOLS.restaurant_search_backup] },
  { id: 'reasoning', placement: 'child', tools: [TOOLS.restaurant_reasoning] },
];

/** Cities and traveller profiles the simulated users ask about. */
export const REQUESTS = {
  cities: CITIES,
  mbti: ['INTJ', 'ENFP', 'ISTP', 'ESFJ', 'INFP', 'ENTJ'],
  cuisines: CUISINES,
};
