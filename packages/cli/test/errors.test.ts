import { DemoSetupError } from '@toolscope/example-travel-planner';
import { ProbeConfigError } from '@toolscope/health-probe';
import { ToolscopeConfigError, ToolscopeError } from '@toolscope/instrumentation';
import {
  EmptyWindowError,
  NoToolscopeMetricsError,
  PrometheusUnreachableError,
  ReportConfigError,
} from '@toolscope/report';
import { describe, expect, it } from 'vitest';
import { DemoNotInstalledError } from '../src/commands/demo.ts';
import { describeError } from '../src/errors.ts';
import { UsageError } from '../src/io.ts';

describe('describeError', () => {
  it('maps usage errors to exit 2 with the command to get help for', () => {
    expect(new UsageError('--format: bad', 'demo')).toBeInstanceOf(ToolscopeError);
    expect(describeError(new UsageError('--format: bad', 'demo'))).toEqual({
      message: '--format: bad',
      exitCode: 2,
      command: 'demo',
    });
  });

  it('maps the libraries’ configuration and data-source errors to exit 2, message kept', () => {
    const errors = [
      new ReportConfigError('window', 'bad'),
      new PrometheusUnreachableError('http://127.0.0.1:9', 'ECONNREFUSED'),
      new NoToolscopeMetricsError('http://127.0.0.1:9090'),
      new EmptyWindowError('this process', 0, 1000, '1s'),
      new ProbeConfigError('search', 'intervalMs', 'must be > 0'),
      new DemoSetupError('demo server dining did not start'),
      new DemoNotInstalledError(),
      new ToolscopeConfigError('maxToolNames', 'must be a positive integer (got 0)'),
    ];
    for (const err of errors) {
      expect(describeError(err), err.name).toEqual({
        message: err.message,
        exitCode: 2,
        command: null,
      });
    }
  });

  it('knows user errors by class, not by name: any ToolscopeError, from any copy of the core', () => {
    class AppError extends ToolscopeError {
      override readonly name: string = 'SomethingNew';
    }
    expect(describeError(new AppError('fix this'))?.exitCode).toBe(2);
    // An error another copy of the core made: the brand, not the class identity, counts.
    const foreign = Object.defineProperty(
      new Error('from another copy'),
      Symbol.for('@toolscope/error'),
      {
        value: true,
      },
    );
    expect(describeError(foreign)).toEqual({
      message: 'from another copy',
      exitCode: 2,
      command: null,
    });
  });

  it('leaves bugs alone so they keep their stack', () => {
    expect(describeError(new TypeError('x is undefined'))).toBeUndefined();
    expect(describeError('boom')).toBeUndefined();
  });
});
