import { describe, expect, it } from 'vitest';
import { parseCommandArgs, parseFormat, parsePositiveInt, parseSeconds } from '../src/args.ts';
import { UsageError } from '../src/io.ts';

describe('parseSeconds', () => {
  it('reads plain seconds and the ms, s and m units', () => {
    expect(parseSeconds('demo', '--duration', '15', 1, 600)).toBe(15);
    expect(parseSeconds('demo', '--duration', '2.5', 1, 600)).toBe(2.5);
    expect(parseSeconds('demo', '--duration', '1500ms', 1, 600)).toBe(1.5);
    expect(parseSeconds('demo', '--duration', '30s', 1, 600)).toBe(30);
    expect(parseSeconds('demo', '--duration', '2m', 1, 600)).toBe(120);
  });

  it('rejects bad syntax with a message showing the accepted forms', () => {
    expect(() => parseSeconds('demo', '--duration', 'soon', 1, 600)).toThrow(
      /--duration: "soon" is not a duration; give seconds, for example --duration 30 \(or 30s, 2m\)/,
    );
    expect(() => parseSeconds('demo', '--duration', '10h', 1, 600)).toThrow(UsageError);
  });

  it('rejects values out of range and names the range', () => {
    expect(() => parseSeconds('demo', '--duration', '0', 1, 600)).toThrow(
      /between 1 and 600 seconds/,
    );
    expect(() => parseSeconds('demo', '--duration', '11m', 1, 600)).toThrow(/between 1 and 600/);
  });

  it('says a negative value must be a positive number of seconds', () => {
    for (const bad of ['-1', '-2.5', '-30s', ' -1m']) {
      expect(() => parseSeconds('demo', '--duration', bad, 1, 600)).toThrow(
        `--duration: must be a positive number of seconds, for example --duration 30 (got ${bad.trim()})`,
      );
    }
  });
});

describe('parseFormat', () => {
  it('defaults to text and accepts md for markdown', () => {
    expect(parseFormat('demo', undefined)).toBe('text');
    expect(parseFormat('demo', 'md')).toBe('markdown');
    expect(parseFormat('demo', 'html')).toBe('html');
  });

  it('lists the formats when the format is unknown', () => {
    expect(() => parseFormat('report', 'yaml')).toThrow(
      '--format: unknown format "yaml"; use one of text, json, markdown, html',
    );
  });
});

describe('parsePositiveInt', () => {
  it('accepts whole numbers in range only', () => {
    expect(parsePositiveInt('demo', '--seed', '7', 100)).toBe(7);
    for (const bad of ['0', '-1', '1.5', 'x', '101']) {
      expect(() => parsePositiveInt('demo', '--seed', bad, 100)).toThrow(/from 1 to 100/);
    }
  });
});

describe('parseCommandArgs', () => {
  const options = { format: { type: 'string' }, help: { type: 'boolean', short: 'h' } } as const;

  it('parses known options', () => {
    expect(parseCommandArgs('demo', ['--format', 'json', '-h'], options).values).toEqual({
      format: 'json',
      help: true,
    });
  });

  it('takes a negative number after an option as its value, not as an option', () => {
    const withShort = { ...options, window: { type: 'string', short: 'w' } } as const;
    expect(parseCommandArgs('demo', ['--format', '-1'], options).values.format).toBe('-1');
    expect(parseCommandArgs('demo', ['--format', '-0.5s', '-h'], options).values).toEqual({
      format: '-0.5s',
      help: true,
    });
    expect(parseCommandArgs('demo', ['-w', '-5m'], withShort).values.window).toBe('-5m');
    // A boolean option keeps its meaning; what follows is still an argument of its own.
    expect(() => parseCommandArgs('demo', ['-h', '-1'], options)).toThrow(UsageError);
  });

  it('turns unknown options, missing values and positionals into usage errors', () => {
    const cases: [string[], RegExp][] = [
      [['--frmat', 'json'], /Unknown option '--frmat' \(toolscope demo\)/],
      [['--format'], /Option '--format <value>' argument missing \(toolscope demo\)/],
      [['extra'], /Unexpected argument 'extra'/],
    ];
    for (const [argv, message] of cases) {
      let caught: unknown;
      try {
        parseCommandArgs('demo', argv, options);
      } catch (err) {
        caught = err;
      }
      expect(caught).toBeInstanceOf(UsageError);
      expect((caught as UsageError).message).toMatch(message);
      expect((caught as UsageError).command).toBe('demo');
    }
  });
});
