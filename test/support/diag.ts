/** Captures what libraries log through the OpenTelemetry diag logger, for assertions. */
import { type DiagLogger, DiagLogLevel, diag } from '@opentelemetry/api';

export interface CapturedDiag {
  readonly messages: string[];
  restore(): void;
}

export function captureDiag(level: DiagLogLevel = DiagLogLevel.WARN): CapturedDiag {
  const messages: string[] = [];
  const push =
    (kind: string) =>
    (message: string, ...args: unknown[]) => {
      messages.push(`${kind} ${message} ${args.map((a) => String(a)).join(' ')}`.trim());
    };
  const logger: DiagLogger = {
    error: push('error'),
    warn: push('warn'),
    info: push('info'),
    debug: push('debug'),
    verbose: push('verbose'),
  };
  diag.setLogger(logger, { logLevel: level, suppressOverrideMessage: true });
  return { messages, restore: () => diag.disable() };
}
