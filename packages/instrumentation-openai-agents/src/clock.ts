/**
 * When a callback runs late. The SDK calls its processors one after another, each awaited, so
 * a processor registered after a slow one (the SDK's own batch exporter awaits an HTTP export
 * when its buffer fills) hears of a span's start or end late. The SDK stamps `startedAt` /
 * `endedAt` (ISO strings, millisecond precision) when it happens; when toolscope's callback
 * runs more than `LATE_MS` after that stamp, the span gets the SDK's moment instead of now.
 */

/** Lateness below which toolscope's own clock (sub-millisecond) is kept. */
const LATE_MS = 2;

/**
 * The epoch-ms time of the SDK's `iso` stamp, on the clock OpenTelemetry uses
 * (`performance.timeOrigin + performance.now()`), when the callback runs late; otherwise
 * undefined (now is right). The lateness is measured on the wall clock the SDK stamps with and
 * subtracted from the performance clock, so the two clocks' drift never skews a duration.
 *
 * @example a span ended at 12:00:00.000 seen at 12:00:00.150 gives now − 150 ms
 */
export function sdkTimeIfLate(iso: string | null | undefined): number | undefined {
  if (typeof iso !== 'string') return undefined;
  const stamped = Date.parse(iso);
  if (!Number.isFinite(stamped)) return undefined;
  const late = Date.now() - stamped;
  return late > LATE_MS ? performance.timeOrigin + performance.now() - late : undefined;
}

/** Now, on the clock OpenTelemetry uses, in epoch ms. */
export function nowMs(): number {
  return performance.timeOrigin + performance.now();
}

/**
 * The start and end times toolscope gives its spans of an SDK span: the SDK's moment when the
 * callback runs late, else now. Always explicit, both of them: the OpenTelemetry SDK ends a span
 * that was given a start time on the wall clock at millisecond precision unless it is given an
 * end time too, which would make sub-millisecond tools last 0 or 1 ms.
 */
export const startTimeOf = (span: { readonly startedAt: string | null }): number =>
  sdkTimeIfLate(span.startedAt) ?? nowMs();
export const endTimeOf = (span: { readonly endedAt: string | null }): number =>
  sdkTimeIfLate(span.endedAt) ?? nowMs();
