import { ToolscopeConfigError } from '@toolscope/instrumentation';

/**
 * A bad check definition, probe option or probe config file, raised at set-up time (nothing
 * is started): the core's `ToolscopeConfigError` with the check it is about. The message
 * names the check, the field as the user wrote it and the fix, for example
 * `check "search-api", field "timeout": must be <= interval (1s) (got "5s"); lower the timeout or raise the interval`.
 * An error about a config file as a whole (it cannot be read, is too large, cannot be parsed,
 * is empty) names the file instead: `file "checks.yaml": is empty; write a mapping with a `checks` list`.
 */
export class ProbeConfigError extends ToolscopeConfigError {
  override readonly name: string = 'ProbeConfigError';
  /**
   * The id of the check at fault (`checks[2]` for a check whose id is missing or wrong);
   * undefined when the error is not about one check.
   */
  readonly checkId: string | undefined;
  /** The config file, as given, when the error is about the file as a whole (`field` is `file`). */
  readonly file: string | undefined;

  constructor(
    checkId: string | undefined,
    field: string,
    problem: string,
    options?: { fix?: string; cause?: unknown },
  ) {
    super(field, problem, options);
    this.checkId = checkId;
    this.file = undefined;
    const where =
      checkId === undefined ? `field "${field}"` : `check "${checkId}", field "${field}"`;
    this.message = ToolscopeConfigError.format(where, problem, options?.fix);
  }

  /**
   * An error about the config file `file` as a whole.
   * @example ProbeConfigError.ofFile('c.yaml', 'is empty').message === 'file "c.yaml": is empty'
   */
  static ofFile(
    file: string,
    problem: string,
    options?: { fix?: string; cause?: unknown },
  ): ProbeConfigError {
    const err = new ProbeConfigError(undefined, 'file', problem, options);
    (err as { file: string | undefined }).file = file;
    err.message = ToolscopeConfigError.format(
      `file ${JSON.stringify(file)}`,
      problem,
      options?.fix,
    );
    return err;
  }
}
