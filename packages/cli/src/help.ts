/**
 * Help texts, kept apart from the commands so `--help` loads none of the heavy modules (the
 * demo with its MCP servers, the OpenTelemetry SDK) and works without the demo installed.
 */

export const MAIN_HELP = `toolscope: telemetry for code that calls tools (MCP servers, APIs, functions)

Usage
  toolscope <command> [options]

Commands
  demo     run the travel-planner demo on local MCP servers and print its report
  report   build a performance report from Prometheus
  probe    run health probes (HTTP and MCP checks)

Options
  -h, --help      show help; toolscope <command> --help for a command's options
  -v, --version   print the version

Exit codes
  0  success   1  findings (something unhealthy)   2  usage or configuration error

Start here
  toolscope demo
`;

export const DEMO_HELP = `Usage
  toolscope demo [--duration <seconds>] [--format text|json|markdown|html] [--out <file>]

Runs the travel-planner scenario on real MCP servers on 127.0.0.1 (some of them in child
processes): simulated travellers ask for restaurant recommendations and trip plans; an
instrumented orchestrator calls the tools with retries and fallbacks and picks among
candidates by live performance and health; health probes watch the servers. One tool is
flaky, one server goes down mid-run and comes back. Progress goes to stderr; the report and
the health summary go to stdout (or --out). The scenario is the example package
@toolscope/example-travel-planner (examples/travel-planner in the toolscope repository).

Options
  --duration <seconds>   how long the travellers keep asking, 1 to 600 (also 30s, 2m)  [default: 15]
  --format <format>      text, json, markdown or html                                [default: text]
  --out <file>           write the output to <file> instead of stdout
  --seed <n>             seed of latencies, failures and requests                      [default: 42]
  --concurrency <n>      simultaneous travellers, 1 to 64                                [default: 6]
  -h, --help             show this help

Environment
  OTEL_EXPORTER_OTLP_ENDPOINT   also export traces and metrics over OTLP/HTTP to this URL
                                (for example http://127.0.0.1:4318), to fill Jaeger/Prometheus;
                                the last line on stderr says how many spans were exported,
                                failed or dropped (an unreachable collector never stalls the demo)
  OTEL_SERVICE_NAME             service name of the orchestrator (default toolscope-demo); the
                                demo's server processes are <name>-<server id>

Exit codes
  0  the demo ran   1  a tool was still unhealthy at the end
  2  usage error, or the demo is not installed
  130  interrupted (Ctrl-C or SIGTERM; a second one quits at once)

Examples
  toolscope demo
  toolscope demo --duration 60 --format html --out demo-report.html
  OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4318 toolscope demo --duration 120
`;

export const REPORT_HELP = `Usage
  toolscope report --prometheus <url> [--window <duration>] [--format text|json|markdown|html] [--out <file>]

Builds a performance report from the toolscope metrics in Prometheus (as the collector's
prometheus exporter writes them): per tool calls, success rate, errors by type, retries,
fallbacks, p50/p95/p99 latency and health; per workflow completion and latency; trends
against the previous window; recommendations. Percentiles are estimated from histogram
buckets; the report states how accurate they are.

Options
  --prometheus <url>     base URL of Prometheus, for example http://127.0.0.1:9090  (required)
  --window <duration>    how far back to look: 30s, 15m, 1h30m, 2d                 [default: 15m]
  --format <format>      text, json, markdown or html                              [default: text]
  --out <file>           write the report to <file> instead of stdout
  --selector <matchers>  extra label matchers for every query, for example service_name="checkout"
  --timeout <seconds>    deadline of each Prometheus query                              [default: 5]
  -h, --help             show this help

Exit codes
  0  report printed, nothing alarming
  1  findings: a tool is unhealthy, or a recommendation of severity error or critical
  2  usage or configuration error, Prometheus unreachable or without toolscope metrics,
     or no calls in the window

Examples
  toolscope report --prometheus http://127.0.0.1:9090
  toolscope report --prometheus http://127.0.0.1:9090 --window 1h --format html --out report.html
`;
