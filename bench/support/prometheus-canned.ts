/**
 * A stand-in Prometheus for the report benchmark, run in its own process: it answers the
 * exact PromQL `@toolscope/report` sends for a one-hour window (`buildQueries`) with canned,
 * pre-serialised results for 100 tools (every duration bucket, two outcomes per tool,
 * payload buckets in both directions, 5 workflows, 100 health checks, 240-step health
 * history). Unknown queries get an empty vector. Prints `PORT <n>` when listening.
 */
import { createServer } from 'node:http';
import { DURATION_BUCKETS_SECONDS, PAYLOAD_BUCKETS_BYTES } from '@toolscope/instrumentation';

interface ReportModule {
  buildQueries(matchers: string, seconds: number): Record<string, string>;
}
const { buildQueries } = (await import('@toolscope/report' as string)) as ReportModule;

const TOOLS = 100;
const WORKFLOWS = 5;
const NOW = Math.floor(Date.now() / 1000);
type Sample = { metric: Record<string, string>; value: [number, string] };
const sample = (metric: Record<string, string>, v: number): Sample => ({
  metric,
  value: [NOW, String(v)],
});
const tools = Array.from({ length: TOOLS }, (_, i) => `tool_${String(i).padStart(3, '0')}`);

function buckets(labels: (t: string) => Record<string, string>, bounds: readonly number[]) {
  const out: Sample[] = [];
  for (const t of tools) {
    let cumulative = 0;
    for (const le of [...bounds, Number.POSITIVE_INFINITY]) {
      cumulative += 10;
      out.push(
        sample(
          { ...labels(t), le: le === Number.POSITIVE_INFINITY ? '+Inf' : String(le) },
          cumulative,
        ),
      );
    }
  }
  return out;
}

const q = buildQueries('', 3600);
const vectors: Record<string, Sample[]> = {
  toolBuckets: buckets((t) => ({ gen_ai_tool_name: t }), DURATION_BUCKETS_SECONDS),
  toolCounts: tools.flatMap((t) => [
    sample({ gen_ai_tool_name: t, gen_ai_tool_type: 'function' }, 700),
    sample({ gen_ai_tool_name: t, gen_ai_tool_type: 'function', error_type: 'TimeoutError' }, 40),
  ]),
  toolSums: tools.map((t) => sample({ gen_ai_tool_name: t }, 300)),
  toolRetries: tools.map((t) => sample({ gen_ai_tool_name: t }, 12)),
  toolFallbacks: tools
    .slice(0, 10)
    .map((t) => sample({ gen_ai_tool_name: t, toolscope_tool_fallback_for: 'tool_000' }, 3)),
  payloadBuckets: [
    ...buckets(
      (t) => ({ gen_ai_tool_name: t, toolscope_payload_direction: 'input' }),
      PAYLOAD_BUCKETS_BYTES,
    ),
    ...buckets(
      (t) => ({ gen_ai_tool_name: t, toolscope_payload_direction: 'output' }),
      PAYLOAD_BUCKETS_BYTES,
    ),
  ],
  payloadSums: tools.flatMap((t) => [
    sample({ gen_ai_tool_name: t, toolscope_payload_direction: 'input' }, 1e5),
    sample({ gen_ai_tool_name: t, toolscope_payload_direction: 'output' }, 1e6),
  ]),
  workflowBuckets: [],
  workflowCounts: Array.from({ length: WORKFLOWS }, (_, i) =>
    sample({ gen_ai_workflow_name: `wf_${i}` }, 100),
  ),
  workflowSums: Array.from({ length: WORKFLOWS }, (_, i) =>
    sample({ gen_ai_workflow_name: `wf_${i}` }, 50),
  ),
  workflowExecutions: Array.from({ length: WORKFLOWS }, (_, i) =>
    sample({ gen_ai_workflow_name: `wf_${i}`, toolscope_workflow_outcome: 'completed' }, 100),
  ),
  health: tools.map((t) =>
    sample({ toolscope_health_check_id: t, toolscope_health_state: 'healthy' }, 1),
  ),
};
const answers = new Map<string, string>();
for (const [key, expr] of Object.entries(q)) {
  answers.set(
    expr,
    JSON.stringify({
      status: 'success',
      data: { resultType: 'vector', result: vectors[key] ?? [] },
    }),
  );
}
const range = JSON.stringify({
  status: 'success',
  data: {
    resultType: 'matrix',
    result: tools.map((t) => ({
      metric: { toolscope_health_check_id: t, toolscope_health_state: 'healthy' },
      values: Array.from({ length: 240 }, (_, k) => [NOW - 3600 + k * 15, '1']),
    })),
  },
});
const empty = JSON.stringify({ status: 'success', data: { resultType: 'vector', result: [] } });

const server = createServer((req, res) => {
  let body = '';
  req.on('data', (c: Buffer) => (body += c.toString()));
  req.on('end', () => {
    const params = new URLSearchParams(body || (req.url?.split('?')[1] ?? ''));
    const expr = params.get('query') ?? '';
    let answer = empty;
    if (req.url?.startsWith('/api/v1/query_range')) answer = range;
    else if (req.url?.startsWith('/api/v1/query')) answer = answers.get(expr) ?? empty;
    else if (req.url?.startsWith('/api/v1/label/'))
      answer = JSON.stringify({
        status: 'success',
        data: ['gen_ai_execute_tool_duration_seconds_bucket'],
      });
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(answer);
  });
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  if (address !== null && typeof address === 'object')
    process.stdout.write(`PORT ${address.port}\n`);
});
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
