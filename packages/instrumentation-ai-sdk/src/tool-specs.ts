/**
 * The spec of each AI SDK tool, from the core's one cache of framework tool specs (names come
 * from the model: an unknown tool is whatever it asked for, so the core bounds them), with this
 * integration's content setting.
 */
import { frameworkToolSpec, type ToolCallSpec } from '@toolscope/instrumentation/internal';

export class ToolSpecs {
  private captureContent: boolean | undefined;

  /** Content capture for AI SDK tools (`undefined`: the process-wide setting). */
  setCaptureContent(captureContent: boolean | undefined): void {
    this.captureContent = captureContent;
  }

  /** The spec of tool `name` (any value the framework reports). Never throws. */
  of(name: unknown): ToolCallSpec {
    return frameworkToolSpec(
      name,
      this.captureContent !== undefined ? { captureContent: this.captureContent } : {},
    );
  }
}
