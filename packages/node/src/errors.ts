import { ToolscopeConfigError } from '@toolscope/instrumentation';

/** A bad `startToolscope` option or environment variable; names the field and the fix. */
export class ToolscopeSetupError extends ToolscopeConfigError {
  override readonly name: string = 'ToolscopeSetupError';
}
