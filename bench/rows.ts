/**
 * The table: one row per figure, built from the aggregated scenario results. Each row says
 * what was measured, the baseline figure from the pre-toolscope baseline measurements (plain OTel JS,
 * measured before toolscope existed; Node 20 unless noted), the ratio measured in this run,
 * the target and whether this run meets it.
 */
import type { Aggregated } from './orchestrate.ts';

export interface Row {
  section: string;
  label: string;
  measured: string;
  baseline: string;
  ratio: string;
  target: string;
  /** `yes` / `no` when the row has a target; `—` when it has none; `n/a` when not measured. */
  met: string;
}

type Results = Map<string, Aggregated>;

const ns = (v: number) =>
  Number.isFinite(v) ? `${Math.round(v).toLocaleString('en-US')} ns` : '—';
const times = (v: number, of: string) => (Number.isFinite(v) ? `${v.toFixed(2)}× ${of}` : '—');
const mb = (v: number) => (Number.isFinite(v) ? `${(v / 1048576).toFixed(2)} MB` : '—');
const pct = (v: number) => (Number.isFinite(v) ? `${(v * 100).toFixed(2)}%` : '—');
const ms = (v: number) => (Number.isFinite(v) ? `${v.toFixed(1)} ms` : '—');
const yesNo = (ok: boolean) => (ok ? 'yes' : 'no');
const bytes = (v: number) =>
  Number.isFinite(v) ? `${Math.round(v).toLocaleString('en-US')} B` : '—';

/** A row that could not be measured: `n/a (reason)` in the measured column. */
function missing(
  section: string,
  label: string,
  reason: string,
  baseline: string,
  target: string,
): Row {
  return { section, label, measured: `n/a (${reason})`, baseline, ratio: '—', target, met: 'n/a' };
}

/** The reason a scenario has no result: not built yet, or the failure. */
function reasonOf(agg: Aggregated | undefined, note?: string): string | undefined {
  if (agg === undefined) return 'not run';
  if (agg.runs === 0) return `failed: ${agg.errors[0] ?? 'no output'}`;
  if (note !== undefined && agg.notes[note] !== undefined) return agg.notes[note];
  return undefined;
}

function overheadRows(results: Results): Row[] {
  const s = '1. per invocation';
  const agg = results.get('overhead');
  const why = reasonOf(agg);
  const m = agg?.metrics ?? {};
  const variant = (key: string, label: string, baseline: string, target = '—', met = '—'): Row => {
    if (why !== undefined) return missing(s, label, why, baseline, target);
    return {
      section: s,
      label,
      measured: ns(m[`${key}.ns`]!),
      baseline,
      ratio: times(m[`${key}.xBare`]!, 'bare span'),
      target,
      met,
    };
  };
  const rows = [
    variant('none', 'no instrumentation (async no-op)', '93 ns; 305 ns once ALS is in use'),
    variant('bare', 'bare OTel span, same attributes', '~4,100 ns'),
    variant(
      'toolscope',
      'toolscope traceTool as startToolscope sets it up (span, pre-aggregated metrics, correlation, store on)',
      '~11,100 ns naive span+hist+counter (~7,300 on Node 24)',
      '≤ 1.3× bare span',
      yesNo((m['toolscope.xBare'] ?? Number.POSITIVE_INFINITY) <= 1.3),
    ),
    {
      ...variant(
        'toolscopeExponential',
        "toolscope traceTool with histograms: 'exponential' (pre-aggregated exponential cells, 640 buckets)",
        '—',
        '≤ 1.3× bare span',
        yesNo((m['toolscopeExponential.xBare'] ?? Number.POSITIVE_INFINITY) <= 1.3),
      ),
      ...(why === undefined
        ? {
            ratio: `${times(m['toolscopeExponential.xBare']!, 'bare span')}; ${times(m['toolscopeExponential.xToolscope']!, 'explicit')}`,
          }
        : {}),
    },
    variant('toolscopeNoStore', 'toolscope traceTool, in-process store off', '—'),
    variant(
      'toolscopeSdkInstruments',
      'toolscope traceTool under your own SDK without the producer (metrics via SDK histogram.record)',
      '—',
    ),
    variant('manual', 'manual trackToolInvocation (store on)', '—'),
  ];
  const tlReason = why ?? agg?.notes.openllmetry;
  if (tlReason !== undefined) {
    rows.push(missing(s, 'OpenLLMetry withTool', tlReason, '—', 'toolscope faster'));
  } else {
    const r = m['toolscope.xOpenllmetry']!;
    rows.push({
      ...variant('openllmetry', 'OpenLLMetry withTool (traceContent off)', '—'),
      target: 'toolscope faster',
      met: yesNo(r < 1),
      ratio: `${times(m['openllmetry.xBare']!, 'bare span')}; toolscope ${r.toFixed(2)}× this`,
    });
    rows.push(variant('openllmetryContent', 'OpenLLMetry withTool (default traceContent on)', '—'));
  }
  const promLabel = 'prom-client histogram observe';
  const promBaseline = 'OTel histogram.record, 3 attrs ~1,900 ns';
  const promReason = why ?? agg?.notes.promClient;
  rows.push(
    promReason !== undefined
      ? missing(s, promLabel, promReason, promBaseline, '—')
      : variant('prom', promLabel, promBaseline),
  );
  return rows;
}

function memoryRows(results: Results): Row[] {
  const s = '2. memory';
  const agg = results.get('memory');
  const why = reasonOf(agg);
  const m = agg?.metrics ?? {};
  const labels = {
    growth: 'heap growth over 1M invocations, 20 tools × 3 outcomes',
    drift: 'heap after warm-up, max − min of 5 checkpoints',
    series: 'bytes per new (tool, outcome) series',
    store: 'in-process store at full retention (20 tools × 360 slots)',
    seed: 'seed-style history list, 10,000 records',
  };
  if (why !== undefined) {
    return [
      missing(s, labels.growth, why, '0.2–0.6 MB (metrics only)', '< 1 MB'),
      missing(s, labels.drift, why, 'flat', '< 1 MB (flat)'),
      missing(s, labels.series, why, 'explicit histogram 0.5–0.8 KB', '—'),
      missing(s, labels.store, why, '—', '—'),
      missing(s, labels.seed, why, '≈675 B/record, 6.7 MB', '—'),
    ];
  }
  const growth = m.heapGrowthBytes!;
  return [
    {
      section: s,
      label: labels.growth,
      measured: `${mb(growth)} (${Math.round(m.invocations!).toLocaleString('en-US')} calls)`,
      baseline: '0.2–0.6 MB (metrics only)',
      ratio: times(growth / m.seedHistoryBytes!, 'seed list'),
      target: '< 1 MB',
      met: yesNo(growth < 1048576),
    },
    {
      section: s,
      label: labels.drift,
      measured: mb(m.heapDriftBytes!),
      baseline: 'flat',
      ratio: '—',
      target: '< 1 MB (flat)',
      met: yesNo(m.heapDriftBytes! < 1048576),
    },
    {
      section: s,
      label: labels.series,
      measured: `${Math.round(m.bytesPerSeries!).toLocaleString('en-US')} B`,
      baseline: 'explicit histogram 0.5–0.8 KB',
      ratio: '—',
      target: '—',
      met: '—',
    },
    {
      section: s,
      label: labels.store,
      measured: `${mb(m.storeFullRetentionBytes!)} (${Math.round(m.storeFullRetentionBytes! / (20 * m.storeFullRetentionSlots!)).toLocaleString('en-US')} B per tool-slot)`,
      baseline: '—',
      ratio: times(m.storeFullRetentionBytes! / m.seedHistoryBytes!, 'seed list'),
      target: '—',
      met: '—',
    },
    {
      section: s,
      label: labels.seed,
      measured: `${mb(m.seedHistoryBytes!)} (${Math.round(m.seedBytesPerRecord!)} B/record)`,
      baseline: '≈675 B/record, 6.7 MB',
      ratio: '1.00× seed list',
      target: '—',
      met: '—',
    },
  ];
}

function accuracyRows(results: Results): Row[] {
  const s = '3. accuracy';
  const agg = results.get('accuracy');
  const why = reasonOf(agg);
  const rows: Row[] = [];
  const baselines: Record<string, string> = {
    '0.5': '—',
    '1': 'OTel default buckets: p50 +5.7%, p99 +16.2%',
    '1.5': 'OTel default buckets: p99.9 −51%',
  };
  for (const sigma of ['0.5', '1', '1.5']) {
    for (const [kind, label, limit] of [
      ['embedded', 'in-process store', 0.01],
      [
        'buckets',
        `Prometheus buckets (${agg?.notes.bucketEstimator ?? 'histogram_quantile'})`,
        0.05,
      ],
      [
        'native',
        `Prometheus 3 native histogram (histograms: 'exponential', ${agg?.notes.bucketEstimator ?? 'histogram_quantile'})`,
        0.02,
      ],
    ] as const) {
      const rowLabel = `p50/p95/p99 max error, σ ${sigma}, ${label}`;
      const target = `≤ ${limit * 100}%`;
      const base =
        kind === 'buckets'
          ? baselines[sigma]!
          : kind === 'native'
            ? 'OTel JS exponential-160 → Prometheus 3: p99 1.2%'
            : 'exponential-160: ≤ 0.4%';
      if (why !== undefined) {
        rows.push(missing(s, rowLabel, why, base, target));
        continue;
      }
      const v = agg!.metrics[`${kind}.s${sigma}`]!;
      rows.push({
        section: s,
        label: rowLabel,
        measured:
          kind === 'buckets'
            ? `${pct(v)} (linear histogram_quantile: ${pct(agg!.metrics[`linear.s${sigma}`]!)})`
            : pct(v),
        baseline: base,
        ratio: times(v / limit, 'target'),
        target,
        met: yesNo(v <= limit),
      });
    }
  }
  return rows;
}

function exportRows(results: Results): Row[] {
  const s = '4. export';
  const otlp = results.get('export:otlp');
  const local = results.get('export:local');
  const why = reasonOf(otlp) ?? reasonOf(local);
  const labels = {
    rate: 'invocations/s through OTLP/HTTP to a local receiver, drops',
    loop: 'event-loop delay p99 added by export',
  };
  if (why !== undefined) {
    return [
      missing(s, labels.rate, why, '2.5–4.2% dropped at 40k/s (defaults)', '≥ 40,000/s, 0 drops'),
      missing(s, labels.loop, why, '+29–54 ms with bigger queues', '≤ 10 ms'),
    ];
  }
  const o = otlp!.metrics;
  const l = local!.metrics;
  const added = o.loopP99Ms! - l.loopP99Ms!;
  const setup = otlp!.notes.setup ?? '';
  return [
    {
      section: s,
      label: `${labels.rate} (${setup})`,
      measured: `${Math.round(o.ratePerS!).toLocaleString('en-US')}/s, ${Math.round(o.drops!).toLocaleString('en-US')} of ${Math.round(o.produced!).toLocaleString('en-US')} dropped`,
      baseline: '2.5–4.2% dropped at 40k/s (defaults)',
      ratio: times(o.ratePerS! / 40_000, 'target'),
      target: '≥ 40,000/s, 0 drops',
      met: yesNo(o.ratePerS! >= 40_000 * 0.98 && o.drops === 0),
    },
    {
      section: s,
      label: labels.loop,
      measured: `+${ms(added)} (${ms(o.loopP99Ms!)} vs ${ms(l.loopP99Ms!)} without export)`,
      baseline: '+29–54 ms with bigger queues',
      ratio: times(o.loopP99Ms! / l.loopP99Ms!, 'no export'),
      target: '≤ 10 ms',
      met: yesNo(added <= 10),
    },
  ];
}

function simpleRows(
  results: Results,
  key: string,
  section: string,
  specs: {
    label: string;
    metric: string;
    format: (v: number, m: Record<string, number>) => string;
    baseline: string;
    target: string;
    ok?: (v: number, m: Record<string, number>) => boolean;
    ratio?: (m: Record<string, number>) => string;
    note?: string;
  }[],
): Row[] {
  const agg = results.get(key);
  return specs.map((spec) => {
    const why = reasonOf(agg, spec.note ?? 'unavailable');
    const v = agg?.metrics[spec.metric];
    if (why !== undefined || v === undefined) {
      return missing(section, spec.label, why ?? 'no result', spec.baseline, spec.target);
    }
    const m = agg!.metrics;
    return {
      section,
      label: spec.label,
      measured: spec.format(v, m),
      baseline: spec.baseline,
      ratio: spec.ratio?.(m) ?? '—',
      target: spec.target,
      met: spec.ok === undefined ? '—' : yesNo(spec.ok(v, m)),
    };
  });
}

/** "`v` µs vs `m[base]` µs per run". */
const usPerRun = (base: string) => (v: number, m: Record<string, number>) =>
  `${v.toFixed(0)} µs vs ${m[base]!.toFixed(0)} µs per run`;

/** `v` with its sign and `digits` decimals: "+0.08", "−0.16". */
const signed = (v: number, digits = 2) => `${v < 0 ? '−' : '+'}${Math.abs(v).toFixed(digits)}`;

/** A difference in µs with its sign: "+8.1 µs", "−0.3 µs". */
const signedUs = (v: number) => `${signed(v, 1)} µs`;

/**
 * Section 6, for reference: the same requests at the same rate without a monitor, through
 * undici's `request()` and through its lower-level `dispatch()` (`support/probe-reference.ts`).
 */
function probeReferenceRows(results: Results): Row[] {
  const monitor = results.get('probes:monitor')?.metrics.cpuPercent;
  const row = (label: string) => ({
    label: `CPU, the same requests without a monitor: ${label}`,
    metric: 'cpuPercent',
    format: (v: number, m: Record<string, number>) =>
      `${v.toFixed(1)}% of one core (${m.requestsPerSecond!.toFixed(0)} requests/s)`,
    baseline: '—',
    target: '—',
    ratio: (m: Record<string, number>) =>
      monitor === undefined ? '—' : `the monitor ${signed(monitor - m.cpuPercent!, 1)} points`,
  });
  return [
    ...simpleRows(results, 'probes:request', '6. probes', [
      row("undici's request() (the monitor's transport)"),
    ]),
    ...simpleRows(results, 'probes:dispatch', '6. probes', [
      row("undici's dispatch() with a byte-counting handler"),
    ]),
  ];
}

/** Section 7: the added cost of MCP instrumentation per `tools/call`, in bare spans. */
function mcpRows(results: Results): Row[] {
  const target = '≤ 4× bare span (stretch 3×)';
  const line = (key: string, label: string) => ({
    label: `MCP tools/call, ${label}, in-memory: instrumented both sides − bare`,
    metric: `${key}.added.us`,
    format: (v: number, m: Record<string, number>) =>
      `${signedUs(v)} (${m[`${key}.both.us`]!.toFixed(1)} vs ${m[`${key}.bare.us`]!.toFixed(1)} µs)`,
    baseline: key === 'v1' ? '+37 µs ≈ 11× bare span (issue 13)' : '—',
    target,
    ok: (_v: number, m: Record<string, number>) => m[`${key}.both.addedXSpan`]! <= 4,
    ratio: (m: Record<string, number>) =>
      `${m[`${key}.both.addedXSpan`]!.toFixed(2)}× bare span (client ${m[`${key}.client.addedXSpan`]!.toFixed(2)}×, server ${m[`${key}.server.addedXSpan`]!.toFixed(2)}×); ${times(m[`${key}.both.xBare`]!, 'uninstrumented')}`,
    note: key === 'v2' ? 'sdk2' : undefined,
  });
  // What a plain instrumentation of the same conventions pays (bench/support/mcp-handwritten.ts),
  // measured in processes of its own so neither side's code shapes the other's JIT state.
  const toolscopeRun = results.get('mcp:toolscope')?.metrics;
  const handwritten = (key: string, label: string) => ({
    label: `MCP tools/call, ${label}, in-memory: hand-written (the same spans, attributes, propagation and histograms in plain code, no guards) − bare`,
    metric: `${key}.handwritten.added.us`,
    format: (v: number, m: Record<string, number>) =>
      `${signedUs(v)} (${m[`${key}.handwritten.us`]!.toFixed(1)} vs ${m[`${key}.bare.us`]!.toFixed(1)} µs)`,
    baseline: '—',
    target: '—',
    ratio: (m: Record<string, number>) => {
      const toolscope = toolscopeRun?.[`${key}.both.addedXSpan`];
      const own = m[`${key}.handwritten.addedXSpan`]!;
      return toolscope === undefined
        ? `${own.toFixed(2)}× bare span`
        : `${own.toFixed(2)}× bare span; toolscope − this ${signed(toolscope - own)}×`;
    },
    note: key === 'v2' ? 'sdk2' : undefined,
  });
  const section = '7. MCP';
  return [
    ...simpleRows(results, 'mcp:toolscope', section, [
      {
        label: 'bare OTel span in the same rounds (the unit of the rows below)',
        metric: 'span.us',
        format: (v) => ns(v * 1000),
        baseline: '~4,100 ns',
        target: '—',
      },
      line('v1', '@modelcontextprotocol/sdk 1.x'),
    ]),
    ...simpleRows(results, 'mcp:handwritten', section, [handwritten('v1', '1.x')]),
    ...simpleRows(results, 'mcp:toolscope', section, [
      line('v2', '@modelcontextprotocol/client + server 2.x'),
    ]),
    ...simpleRows(results, 'mcp:handwritten', section, [handwritten('v2', '2.x')]),
  ];
}

function langchainRows(results: Results): Row[] {
  const s = '10. LangChain';
  const agg = results.get('langchain');
  const why = reasonOf(agg, 'unavailable');
  const m = agg?.metrics ?? {};
  const us = (v: number | undefined) =>
    v !== undefined && Number.isFinite(v) ? `${v.toFixed(1)} µs` : '—';
  const labels = {
    agent: 'LangChain createAgent run (fakeModel, 1 tool call): toolscope vs uninstrumented',
    peer: 'LangChain createAgent run: OpenLLMetry LangChain instrumentation (content off)',
    tool: 'LangChain tool.invoke of a trivial tool: toolscope vs uninstrumented',
    own: "LangChain run with the framework's own OpenTelemetry integration",
  };
  const row = (label: string, measured: string, ratio: string, target = '—', met = '—'): Row => ({
    section: s,
    label,
    measured,
    baseline: '—',
    ratio,
    target,
    met,
  });
  const cpu = (key: string) => `CPU ${times(m[`${key}.cpuXBare`]!, 'uninstrumented')}`;
  const rows: Row[] = [];
  if (why !== undefined) {
    rows.push(missing(s, labels.agent, why, '—', '≤ 1.10× uninstrumented'));
    rows.push(missing(s, labels.peer, why, '—', 'toolscope faster'));
    rows.push(missing(s, labels.tool, why, '—', '—'));
  } else {
    const agentX = m['agent.toolscope.xBare']!;
    rows.push(
      row(
        labels.agent,
        `${us(m['agent.toolscope.us'])} vs ${us(m['agent.bare.us'])} (${cpu('agent.toolscope')})`,
        times(agentX, 'uninstrumented'),
        '≤ 1.10× uninstrumented',
        yesNo(agentX <= 1.1),
      ),
    );
    const peerWhy = agg?.notes.openllmetry;
    const peerX = m['agent.openllmetry.xBare']!;
    rows.push(
      peerWhy !== undefined
        ? missing(s, labels.peer, peerWhy, '—', 'toolscope faster')
        : row(
            labels.peer,
            `${us(m['agent.openllmetry.us'])} (${cpu('agent.openllmetry')})`,
            `${times(peerX, 'uninstrumented')}; toolscope ${(agentX / peerX).toFixed(2)}× this`,
            'toolscope faster',
            yesNo(agentX < peerX),
          ),
    );
    const added = m['tool.toolscope.us']! - m['tool.bare.us']!;
    rows.push(
      row(
        labels.tool,
        `${us(m['tool.toolscope.us'])} vs ${us(m['tool.bare.us'])} (+${us(added)}; ${cpu('tool.toolscope')})`,
        times(m['tool.toolscope.xBare']!, 'uninstrumented'),
      ),
    );
  }
  rows.push(missing(s, labels.own, 'LangChain.js has none', '—', '—'));
  return rows;
}

export function buildRows(results: Results): Row[] {
  return [
    ...overheadRows(results),
    ...memoryRows(results),
    ...accuracyRows(results),
    ...exportRows(results),
    ...simpleRows(results, 'report', '5. report', [
      {
        label: 'report from the process, 1M recorded invocations',
        metric: 'inProcessMs',
        format: (v) => ms(v),
        baseline: '—',
        target: '< 50 ms',
        ok: (v) => v < 50,
        ratio: (m) => times(m.inProcessMs! / 50, 'target'),
        note: 'inProcess',
      },
      {
        label: 'report from Prometheus, 100 tools over 1 h',
        metric: 'prometheusMs',
        format: (v) => ms(v),
        baseline: '—',
        target: '< 300 ms',
        ok: (v) => v < 300,
        ratio: (m) => times(m.prometheusMs! / 300, 'target'),
        note: 'prometheus',
      },
    ]),
    ...simpleRows(results, 'probes:monitor', '6. probes', [
      {
        label: 'CPU, 1,000 HTTP checks at 1 s intervals',
        metric: 'cpuPercent',
        format: (v) => `${v.toFixed(1)}% of one core`,
        baseline: '—',
        target: '< 10% of one core',
        ok: (v) => v < 10,
      },
    ]),
    ...probeReferenceRows(results),
    ...simpleRows(results, 'probes:monitor', '6. probes', [
      {
        label: 'scheduling jitter p99',
        metric: 'jitterP99Ms',
        format: (v) => ms(v),
        baseline: '—',
        target: '< 50 ms',
        ok: (v) => v < 50,
      },
      {
        label: 'handle growth (before start() → after close())',
        metric: 'handleGrowth',
        format: (v, m) =>
          `${Math.round(v)} (${Math.round(m.handlesBefore!)} → ${Math.round(m.handlesAfterClose!)})`,
        baseline: '—',
        target: 'none',
        ok: (v) => v <= 0,
      },
      {
        label: 'handles in use during the run (first 5 s → last 5 s, requests in flight)',
        metric: 'handleDrift',
        format: (v, m) =>
          `${Math.round(v)} (${Math.round(m.handlesStart!)} → ${Math.round(m.handlesEnd!)})`,
        baseline: '—',
        target: '—',
      },
    ]),
    ...mcpRows(results),
    ...simpleRows(results, 'ai-sdk', '8. AI SDK', [
      {
        label: 'AI SDK tool call (generateText, mock model): toolscope vs uninstrumented',
        metric: 'toolscope.us',
        format: usPerRun('bare.us'),
        baseline: '—',
        target: '≤ 1.10× uninstrumented',
        ok: (_v, m) => m['toolscope.xBare']! <= 1.1,
        ratio: (m) => times(m['toolscope.xBare']!, 'uninstrumented'),
      },
      {
        label: 'AI SDK tool call: a no-op integration of the same shape vs uninstrumented',
        metric: 'noop.us',
        format: usPerRun('bare.us'),
        baseline: '—',
        target: '—',
        ratio: (m) =>
          `${times(m['noop.xBare']!, 'uninstrumented')}; toolscope ${m['toolscope.xNoop']!.toFixed(2)}× this`,
      },
      {
        label: 'AI SDK tool call: @ai-sdk/otel alone vs uninstrumented',
        metric: 'otel.us',
        format: usPerRun('bare.us'),
        baseline: '—',
        target: '—',
        ratio: (m) => times(m['otel.xBare']!, 'uninstrumented'),
      },
      {
        label: 'AI SDK tool call: toolscope + @ai-sdk/otel vs @ai-sdk/otel alone',
        metric: 'both.us',
        format: usPerRun('otel.us'),
        baseline: '—',
        target: '—',
        ratio: (m) =>
          `${times(m['both.xOtel']!, '@ai-sdk/otel alone')}; ${times(m['both.xBare']!, 'uninstrumented')}`,
      },
    ]),
    ...simpleRows(results, 'openai-agents', '9. OpenAI Agents', [
      {
        label: 'OpenAI Agents run with one tool call (ScriptedModel): toolscope vs uninstrumented',
        metric: 'toolscope.us',
        format: (v, m) =>
          `${v.toFixed(1)} µs vs ${m['bare.us']!.toFixed(1)} µs (+${(v - m['bare.us']!).toFixed(1)} µs)`,
        baseline: '—',
        target: '≤ 1.10× uninstrumented',
        ok: (_v, m) => m['toolscope.xBare']! <= 1.1,
        ratio: (m) => times(m['toolscope.xBare']!, 'uninstrumented'),
      },
      {
        label: 'same run, a minimal OTel trace processor (spans only) vs uninstrumented',
        metric: 'otelProcessor.us',
        format: (v) => `${v.toFixed(1)} µs`,
        baseline: '—',
        target: '—',
        ratio: (m) => times(m['otelProcessor.xBare']!, 'uninstrumented'),
      },
      {
        label: 'same run, the SDK’s tracing off (no spans at all)',
        metric: 'tracingOff.us',
        format: (v) => `${v.toFixed(1)} µs`,
        baseline: '—',
        target: '—',
        ratio: (m) => times(m['tracingOff.xBare']!, 'uninstrumented'),
      },
    ]),
    ...langchainRows(results),
    ...simpleRows(results, 'gateway', '11. gateway tier', [
      {
        label: 'gateway: spans per CPU-second (tail sampling, span metrics, Jaeger export)',
        metric: 'gateway.spansPerCpuSecond',
        format: (v, m) =>
          `${Math.round(v).toLocaleString('en-US')} spans/s per core (at ${Math.round(m['offered.spansPerSecond']!).toLocaleString('en-US')} spans/s offered)`,
        baseline: '—',
        target: '—',
      },
      {
        label: 'agent: spans per CPU-second (mapping, two load_balancing exporters)',
        metric: 'agent.spansPerCpuSecond',
        format: (v) => `${Math.round(v).toLocaleString('en-US')} spans/s per core`,
        baseline: '—',
        target: '—',
      },
      {
        label: 'agent: heap per span queued for an unreachable gateway (span + slim copy)',
        metric: 'agent.bytesPerQueuedSpan',
        format: (v) => bytes(v),
        baseline: '—',
        target: '—',
      },
      {
        label: 'gateway: heap per span waiting for a tail-sampling decision',
        metric: 'gateway.bytesPerHeldSpan',
        format: (v) => bytes(v),
        baseline: '—',
        target: '—',
      },
      {
        label: 'gateway: heap per span queued for a Jaeger that is down',
        metric: 'gateway.bytesPerQueuedSpan',
        format: (v) => bytes(v),
        baseline: '—',
        target: '—',
      },
    ]),
  ];
}

const COLUMNS: [keyof Row, string][] = [
  ['section', 'section'],
  ['label', 'row'],
  ['measured', 'measured (median)'],
  ['baseline', 'baseline'],
  ['ratio', 'ratio'],
  ['target', 'target'],
  ['met', 'met?'],
];

/** The rows as one Markdown table (readable in a terminal, pasteable into notes). */
export function formatTable(rows: Row[]): string {
  const widths = COLUMNS.map(([key, title]) =>
    Math.max(title.length, ...rows.map((r) => r[key].length)),
  );
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [
    line(COLUMNS.map(([, title]) => title)),
    `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`,
    ...rows.map((r) => line(COLUMNS.map(([key]) => r[key]))),
  ].join('\n');
}
