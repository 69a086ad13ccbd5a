/**
 * The validated spec of each AI SDK tool, by name: made once, reused for every call. Names come
 * from the model (an unknown tool is whatever it asked for), so they are bounded first and the
 * cache is capped.
 */
import { boundName, type ToolCallSpec, toolCallSpec } from '@toolscope/instrumentation/internal';

const MAX_SPECS = 1_000;

export class ToolSpecs {
  private readonly specs = new Map<string, ToolCallSpec>();
  private captureContent: boolean | undefined;

  /** Content capture for AI SDK tools (`undefined`: the process-wide setting). */
  setCaptureContent(captureContent: boolean | undefined): void {
    if (captureContent === this.captureContent) return;
    this.captureContent = captureContent;
    this.specs.clear();
  }

  /** The spec of tool `name` (any value the framework reports; bounded). Never throws. */
  of(name: unknown): ToolCallSpec {
    const key = typeof name === 'string' && name !== '' ? name : '_OTHER';
    let spec = this.specs.get(key);
    if (spec === undefined) {
      spec = toolCallSpec({
        name: boundName(key, 'framework.name'),
        type: 'function',
        ...(this.captureContent !== undefined ? { captureContent: this.captureContent } : {}),
      });
      if (this.specs.size >= MAX_SPECS) this.specs.clear();
      this.specs.set(key, spec);
    }
    return spec;
  }
}
