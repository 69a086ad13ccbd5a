import type { BodyAssertion, CheckType, McpProtocolMode, McpTransportKind } from './types.ts';

/** An accepted status: an inclusive range. */
export interface StatusRange {
  readonly min: number;
  readonly max: number;
}

/** What every normalised check has. */
export interface NormalizedBase {
  readonly id: string;
  readonly name: string;
  readonly tool: string;
  readonly type: CheckType;
  readonly intervalMs: number;
  readonly timeoutMs: number;
  readonly jitterMs: number;
  readonly failureThreshold: number;
  readonly recoveryThreshold: number;
  readonly degradedThresholdMs: number | undefined;
  readonly criticalThreshold: number | undefined;
  readonly alertOnDegraded: boolean;
  readonly headers: Readonly<Record<string, string>>;
}

export interface NormalizedHttpCheck extends NormalizedBase {
  readonly type: 'http';
  readonly url: URL;
  readonly method: 'GET' | 'HEAD' | 'POST';
  readonly requestBody: string | undefined;
  readonly expectedStatus: readonly StatusRange[];
  /** The accepted statuses as written (`[200, '3xx']`). */
  readonly expectedStatusList: readonly (number | string)[];
  readonly body: (BodyAssertion & { regex?: RegExp }) | undefined;
  readonly maxBodyBytes: number;
}

export interface NormalizedMcpCheck extends NormalizedBase {
  readonly type: 'mcp';
  readonly transport: McpTransportKind;
  readonly url: URL | undefined;
  readonly command: string | undefined;
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly cwd: string | undefined;
  readonly expectTools: readonly string[];
  readonly protocol: McpProtocolMode;
}

export type NormalizedCheck = NormalizedHttpCheck | NormalizedMcpCheck;

/** A maintenance window with its times resolved. */
export interface NormalizedWindow {
  readonly checks: ReadonlySet<string> | undefined;
  /** True when `nowMs` falls inside the window. */
  contains(nowMs: number): boolean;
}
