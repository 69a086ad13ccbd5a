/**
 * The travel-planner demo that `toolscope demo` runs: real MCP servers on 127.0.0.1 (some in
 * child processes), an instrumented orchestrator with retries, fallbacks and live tool
 * selection, health probes, a planned outage, then the report. Not a library: an example of
 * every toolscope package working together, kept out of the published CLI.
 */
export { DemoSetupError } from './fleet.ts';
export type { DemoOutput } from './render.ts';
export { renderDemo } from './render.ts';
export type { DemoOptions, DemoRun, DemoScenario, InjectedTool } from './run-demo.ts';
export { runDemo } from './run-demo.ts';
export { finishTelemetry, TELEMETRY_DEADLINE_MS } from './telemetry.ts';
export type { OutputStream } from './types.ts';
