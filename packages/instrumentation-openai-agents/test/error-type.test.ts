import { describe, expect, it } from 'vitest';
import {
  failureOf,
  runErrorType,
  spanErrorOf,
  toolErrorType,
  unknownToolOf,
} from '../src/error-type.ts';

const nonFatal = (error: string) => ({
  message: 'Error running tool (non-fatal)',
  data: { error },
});
const REDACTED = 'Tool execution failed. Error details are redacted.';

describe('toolErrorType', () => {
  it('derives error.type from what the SDK leaves on the span', () => {
    expect(
      toolErrorType(
        {
          message: 'Tool execution was not approved.',
          data: { error: 'Tool execution for call_1 was manually rejected by user.' },
        },
        false,
      ),
    ).toBe('tool_rejected');
    expect(toolErrorType(nonFatal('TypeError: kaboom secret'), true)).toBe('TypeError');
    expect(
      toolErrorType({ message: 'Error running tool', data: { error: 'RangeError: x' } }, true),
    ).toBe('RangeError');
    expect(toolErrorType(nonFatal(REDACTED), false)).toBe('InvalidToolInputError');
    expect(toolErrorType(nonFatal(REDACTED), true)).toBe('_OTHER');
    // Without the call-id hook toolscope cannot tell a parse failure from a throw.
    expect(toolErrorType(nonFatal(REDACTED), undefined)).toBe('_OTHER');
  });

  it('uses only a class token, never the message', () => {
    expect(toolErrorType(nonFatal('Could not connect: ECONNREFUSED'), true)).toBe('_OTHER');
    expect(toolErrorType(nonFatal('timeout: 30s'), true)).toBe('_OTHER');
    expect(toolErrorType(nonFatal(`${'A'.repeat(200)}Error: long`), true)).toBe('_OTHER');
    expect(toolErrorType({ message: 'x', data: { error: 42 } }, true)).toBe('_OTHER');
  });
});

describe('runErrorType', () => {
  it('takes the class of a failed run when the SDK kept it', () => {
    expect(
      runErrorType({
        message: 'Error in agent run',
        data: { error: 'MaxTurnsExceededError: Max turns (2) exceeded' },
      }),
    ).toBe('MaxTurnsExceededError');
    // `Error` alone is the SDK's redaction, not a class; `Error: …` is a plain Error.
    expect(runErrorType({ message: 'Error in agent run', data: { error: 'Error' } })).toBe(
      '_OTHER',
    );
    expect(runErrorType({ message: 'Error in agent run', data: { error: 'Error: x' } })).toBe(
      'Error',
    );
    expect(runErrorType({ message: 'Error in agent run' })).toBe('_OTHER');
  });
});

describe('unknownToolOf', () => {
  const run = (error: string) => ({ message: 'Error in agent run', data: { error } });
  it('reads the tool the model asked for from the SDK’s text, for this agent only', () => {
    expect(unknownToolOf(run('ModelBehaviorError: Tool nope not found in agent A.'), 'A')).toBe(
      'nope',
    );
    expect(
      unknownToolOf(
        run('ModelBehaviorError: Tool a b not found in agent not found in agent.'),
        'not found in agent',
      ),
    ).toBe('a b');
    expect(
      unknownToolOf(run('ModelBehaviorError: Tool nope not found in agent B.'), 'A'),
    ).toBeUndefined();
    expect(unknownToolOf(run('Error'), 'A')).toBeUndefined();
    expect(unknownToolOf({ message: 'x' }, 'A')).toBeUndefined();
  });
});

describe('spanErrorOf and failureOf', () => {
  it('reads any value defensively and makes a stand-in without a stack', () => {
    expect(spanErrorOf(null)).toBeUndefined();
    expect(spanErrorOf('boom')).toBeUndefined();
    expect(spanErrorOf({ message: 3, data: 'x' })).toEqual({ message: '' });
    const failure = failureOf('TypeError', 'Error running tool');
    expect([failure.name, failure.message, failure.stack]).toEqual([
      'TypeError',
      'Error running tool',
      undefined,
    ]);
  });
});
