/**
 * Every bound toolscope puts on input from outside the process, in one place. Packages import
 * these values instead of repeating them; `docs/security.md` documents them and a test checks
 * that the documentation and these constants agree.
 */
export const LIMITS = Object.freeze({
  /** A peer-controlled name, id or version (UTF-16 code units); `maxPeerStringLength`. */
  peerNameLength: 256,
  /** Peer-controlled free text such as an error message (UTF-16 code units); `maxPeerTextLength`. */
  peerTextLength: 1024,
  /** Distinct `error.type` (and `fallback_for`) values per tool, on metrics and in the store. */
  errorTypesPerTool: 50,
  /** Distinct tool and workflow names on metrics and in the store (`maxToolNames` default). */
  toolNames: 200,
  /** The smallest `maxContentBytes` of captured content. */
  minContentBytes: 16,
  /** The largest Prometheus API answer read (bytes); a longer body fails the report. */
  prometheusBodyBytes: 8 * 1024 * 1024,
  /** The largest probe or objectives config file read (bytes), checked before parsing. */
  configFileBytes: 256 * 1024,
  /** The shortest health check interval (ms). */
  minProbeIntervalMs: 100,
  /** The largest MCP message the probe reads (a stdio line, an HTTP answer), in bytes. */
  mcpMessageBytes: 4 * 1024 * 1024,
  /** After a stdio MCP server's stdin is closed: how long it has to exit before SIGTERM (ms). */
  stdioExitGraceMs: 1000,
  /** After SIGTERM to its process group: how long before SIGKILL to the group (ms). */
  stdioTermGraceMs: 1000,
  /** How long `toolscope probe` takes at most to stop after SIGINT or SIGTERM (ms). */
  probeStopDeadlineMs: 10_000,
  /** The exit code of `toolscope probe` stopped by SIGINT or SIGTERM. */
  probeStopExitCode: 0,
  /** How long an alert webhook's `close()` waits for queued events at most (ms). */
  webhookCloseDeadlineMs: 5_000,
  /**
   * The longest span attribute value `startToolscope` exports (characters; longer values are
   * cut by the SDK), unless `attributeValueLengthLimit` or `OTEL_(SPAN_)ATTRIBUTE_VALUE_LENGTH_LIMIT`
   * says otherwise.
   */
  spanAttributeValueLength: 4096,
  /**
   * How long the flush on exit of `startToolscope` holds the process at most (ms), unless
   * `exitFlushTimeoutMs` or `TOOLSCOPE_EXIT_FLUSH_TIMEOUT` says otherwise.
   */
  exitFlushTimeoutMs: 5_000,
  /**
   * How long a monitor's `close()` waits at most for the meter provider's flush that exports
   * the final values of the gauges it stops reporting (ms).
   */
  gaugeFinalFlushDeadlineMs: 3_000,
  /**
   * Distinct attribute sets of the MCP histograms one MCP client or server keeps; past it every
   * new combination folds into one `_OTHER` set.
   */
  mcpAttributeSetsPerEndpoint: 1_000,
  /**
   * Distinct attribute sets of the MCP histograms per process (interned by content, shared by
   * every session); past it a new set folds into its connection's `mcp.method.name="_OTHER"`.
   */
  mcpAttributeSetsPerProcess: 2_000,
});
