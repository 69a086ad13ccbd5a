import { ToolscopeConfigError } from '@toolscope/instrumentation';

/**
 * A bad check definition, probe option or probe config file, raised at set-up time (nothing
 * is started): the core's `ToolscopeConfigError` with the check it is about. The message
 * names the check, the field as the user wrote it and the fix, for example
 * `check "search-api", field "timeout": must be <= interval (1s) (got "5s"); lower the timeout or raise the interval`.
 */
export class ProbeConfigError extends ToolscopeConfigError {
  override readonly name: string = 'ProbeConfigError';
  /**
   * The id of the check at fault (`checks[2]` for a check whose id is missing or wrong);
   * undefined when the error is not about one check.
   */
  readonly checkId: string | undefined;

  constructor(
    checkId: string | undefined,
    field: string,
    problem: string,
    options?: { fix?: string; cause?: unknown },
  ) {
    super(field, problem, options);
    this.checkId = checkId;
    const where =
      checkId === undefined ? `field "${field}"` : `check "${checkId}", field "${field}"`;
    this.message = ToolscopeConfigError.format(where, problem, options?.fix);
  }
}
