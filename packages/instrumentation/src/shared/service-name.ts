/**
 * The service name (`service.name`) every toolscope process reports: OTEL_SERVICE_NAME when it
 * is set, else the program's own default (`toolscope-probe`, `toolscope-demo`), and what a
 * service name may be (it becomes a resource attribute on every span and metric).
 */
import { LIMITS } from './limits.ts';
import { unsafeCharacter } from './sanitize.ts';

/**
 * OTEL_SERVICE_NAME as every toolscope program reads it: trimmed, and unset when empty.
 *
 * @example envServiceName({ OTEL_SERVICE_NAME: ' checkout ' }) === 'checkout'
 * @example envServiceName({ OTEL_SERVICE_NAME: '' }) === undefined
 */
export function envServiceName(
  env: Readonly<Record<string, string | undefined>> = process.env,
): string | undefined {
  const name = env.OTEL_SERVICE_NAME?.trim();
  return name === undefined || name === '' ? undefined : name;
}

/**
 * What is wrong with `name` as a service name, or undefined when nothing is: longer than a name
 * may be (`LIMITS.peerNameLength`), or with a control or invisible formatting character (it
 * would reach every terminal, log and dashboard that shows the service). Refused rather than
 * cut or escaped: the operator sets it, and a cut name would merge services.
 */
export function serviceNameProblem(name: string): string | undefined {
  if (name.length > LIMITS.peerNameLength) {
    return `is ${name.length} characters long, longer than the ${LIMITS.peerNameLength} a service name may be`;
  }
  const ch = unsafeCharacter(name);
  if (ch !== undefined) return `contains the control or invisible character ${ch}`;
  return undefined;
}
