/** What one scenario process reports back to the orchestrator (one JSON line on stdout). */
export interface ScenarioOutput {
  /** Numeric measurements; the orchestrator takes the median of each key over processes. */
  metrics: Record<string, number>;
  /** Why a measurement is missing (`key` → reason), or other text facts. */
  notes: Record<string, string>;
}

export interface ScenarioOptions {
  /** Smoke mode: a few iterations, just enough to prove the scenario runs. */
  quick: boolean;
  /** Scenario-specific mode (for example `otlp` or `noexport` for the export scenario). */
  mode?: string;
}

export type Scenario = (options: ScenarioOptions) => Promise<ScenarioOutput>;
