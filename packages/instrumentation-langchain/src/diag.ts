import { diag } from '@opentelemetry/api';

/** The component logger every file of this package logs through. */
export const logger = diag.createComponentLogger({
  namespace: '@toolscope/instrumentation-langchain',
});

const warned = new Set<string>();

/** Logs `message` as a warning the first time it is seen in this process, then never again. */
export function warnOnce(message: string): void {
  if (warned.has(message)) return;
  warned.add(message);
  logger.warn(message);
}
