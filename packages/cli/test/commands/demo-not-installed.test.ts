/**
 * A published CLI ships without the demo (the example package): `toolscope demo` then says in
 * one line how to get it and exits 2, while a broken demo install stays a bug with its stack.
 */
import { describe, expect, it } from 'vitest';
import { DEMO_PACKAGE, DemoNotInstalledError, loadDemo } from '../../src/commands/demo.ts';
import { describeError } from '../../src/errors.ts';

/** The error Node throws for an `import()` of a package that is not installed. */
function notFound(name: string): Error {
  return Object.assign(
    new Error(
      `Cannot find package '${name}' imported from /app/node_modules/toolscope/dist/commands/demo.js`,
    ),
    { code: 'ERR_MODULE_NOT_FOUND' },
  );
}

describe('toolscope demo without the example package', () => {
  it('is a one-line user error (exit 2) that says how to get the demo', async () => {
    const err = await loadDemo(() => Promise.reject(notFound(DEMO_PACKAGE))).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(DemoNotInstalledError);
    const described = describeError(err);
    expect(described).toMatchObject({ exitCode: 2, command: null });
    expect(described!.message).not.toContain('\n');
    expect(described!.message).toContain(DEMO_PACKAGE);
    expect(described!.message).toMatch(/clone the repository, run npm install, then npm start/);
  });

  it('leaves a module missing inside the demo alone: a broken install is not "not installed"', async () => {
    const missingDependency = notFound('@modelcontextprotocol/sdk');
    const err = await loadDemo(() => Promise.reject(missingDependency)).catch((e: unknown) => e);
    expect(err).toBe(missingDependency);
    expect(describeError(err)).toBeUndefined();
  });

  it('loads the example package when it is installed (as in this repository)', async () => {
    const demo = await loadDemo();
    expect(typeof demo.runDemo).toBe('function');
    expect(typeof demo.renderDemo).toBe('function');
  });
});
