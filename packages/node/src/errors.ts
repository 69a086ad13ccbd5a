/** A bad `startToolscope` option or environment variable; names the field and the fix. */
export class ToolscopeSetupError extends Error {
  override readonly name = 'ToolscopeSetupError';
  /** The option or environment variable that is wrong. */
  readonly field: string;
  constructor(field: string, message: string) {
    super(`${field}: ${message}`);
    this.field = field;
  }
}
