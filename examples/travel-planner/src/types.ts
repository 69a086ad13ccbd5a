/** Public types of the travel-planner example that are not one module's own. */

/** A text sink for progress and telemetry notes: `process.stderr`, or a test buffer. */
export interface OutputStream {
  write(text: string): unknown;
  /** True on a terminal: the demo then draws a live progress line. */
  readonly isTTY?: boolean;
  /** Terminal width, when known. */
  readonly columns?: number;
}
