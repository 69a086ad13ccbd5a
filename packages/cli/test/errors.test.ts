import { ProbeConfigError } from '@toolscope/health-probe';
import {
  EmptyWindowError,
  NoToolscopeMetricsError,
  PrometheusUnreachableError,
  ReportConfigError,
} from '@toolscope/report';
import { describe, expect, it } from 'vitest';
import { DemoSetupError } from '../src/demo/fleet.ts';
import { describeError } from '../src/errors.ts';
import { UsageError } from '../src/io.ts';

describe('describeError', () => {
  it('maps usage errors to exit 2 with the command to get help for', () => {
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
    ];
    for (const err of errors) {
      expect(describeError(err), err.name).toEqual({
        message: err.message,
        exitCode: 2,
        command: null,
      });
    }
  });

  it('leaves bugs alone so they keep their stack', () => {
    expect(describeError(new TypeError('x is undefined'))).toBeUndefined();
    expect(describeError('boom')).toBeUndefined();
  });
});
