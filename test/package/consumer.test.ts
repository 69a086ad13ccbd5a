/**
 * Every package installs from its packed tarball into a fresh project and works there, with
 * no repository around it: `npm pack` each workspace package, `npm install` the tarballs (and
 * `@opentelemetry/api`) into a new project in the system temp directory, then run an
 * instrumented call (test/package/fixtures/consumer.mjs), type-check a TypeScript consumer
 * against the packed declarations, and run the `toolscope` bin with `npx`.
 *
 * The packages are packed from a copy of their sources: `npm pack` runs each package's
 * `prepare` (scripts/prepare-package.mjs), which writes `dist/`, and a `dist/` in the checkout
 * would change what the repository runs (the `toolscope` launcher prefers it). The copy
 * type-checks against the repository's node_modules (TypeScript, @types/node).
 *
 * The fresh install takes the registry's current versions within the packages' ranges, from
 * npm's cache when it has them (`--prefer-offline`), so the first run may need the network.
 */
import { spawn } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));
const REPO_NODE = join(ROOT, 'node_modules', '.bin', 'node');

/** The repository's pinned Node 24: the test runner's own when it is new enough. */
function nodeBinary(): string {
  if (Number(process.versions.node.split('.')[0]) >= 24) return process.execPath;
  if (existsSync(REPO_NODE)) return realpathSync(REPO_NODE);
  throw new Error('the consumer test needs Node 24; run npm install at the repository root');
}
const NODE = nodeBinary();

/**
 * The environment of every command: the pinned Node first on PATH (npm, npx and the bin's
 * `#!/usr/bin/env node` run on it), without the variables of the `npm test` that started
 * vitest (its project, lifecycle and package) or any OTEL_* setting of the caller.
 */
function commandEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(npm_(package_|lifecycle_|command$|config_local_prefix$)|INIT_CWD$|OTEL_)/i.test(key)) {
      continue;
    }
    env[key] = value;
  }
  env.PATH = `${dirname(NODE)}${delimiter}${process.env.PATH ?? ''}`;
  return env;
}

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to the end (killed after `timeoutMs`); never rejects. */
function run(command: string, args: readonly string[], cwd: string, timeoutMs: number) {
  return new Promise<Ran>((resolve) => {
    const child = spawn(command, args, {
      cwd,
      env: commandEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      stderr += `\n[killed after ${timeoutMs} ms]`;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      resolve({ code: null, stdout, stderr: `${stderr}\n${err.message}` });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Runs a command that must succeed; throws with its output when it does not. */
async function mustRun(
  command: string,
  args: readonly string[],
  cwd: string,
  timeoutMs: number,
): Promise<Ran> {
  const ran = await run(command, args, cwd, timeoutMs);
  if (ran.code !== 0) {
    const tail = (s: string) => s.split('\n').slice(-60).join('\n');
    throw new Error(
      `${command} ${args.join(' ')} (in ${cwd}) exited ${ran.code}\n` +
        `--- stdout\n${tail(ran.stdout)}\n--- stderr\n${tail(ran.stderr)}`,
    );
  }
  return ran;
}

interface PackedFile {
  path: string;
}
interface Packed {
  name: string;
  filename: string;
  files: PackedFile[];
}

const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8'));

/** The workspace packages that are published (not private), by directory. */
const PACKAGES: { dir: string; name: string }[] = (
  readJson(join(ROOT, 'package.json')).workspaces as string[]
)
  .map((dir) => ({ dir, manifest: readJson(join(ROOT, dir, 'package.json')) }))
  .filter(({ manifest }) => manifest.private !== true)
  .map(({ dir, manifest }) => ({ dir, name: manifest.name as string }));

describe('the packed packages in a fresh project', () => {
  let work = '';
  let consumer = '';
  let packed: Packed[] = [];

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'toolscope-consumer-'));
    const stage = join(work, 'stage');
    const tarballs = join(work, 'tarballs');
    consumer = join(work, 'consumer');
    mkdirSync(join(stage, 'scripts'), { recursive: true });
    mkdirSync(tarballs);
    mkdirSync(consumer);

    // The copy the packages are packed from: their sources, the shared compiler options and
    // the prepare script, with the repository's node_modules for TypeScript and the types.
    cpSync(join(ROOT, 'tsconfig.base.json'), join(stage, 'tsconfig.base.json'));
    cpSync(
      join(ROOT, 'scripts', 'prepare-package.mjs'),
      join(stage, 'scripts', 'prepare-package.mjs'),
    );
    symlinkSync(join(ROOT, 'node_modules'), join(stage, 'node_modules'), 'dir');
    for (const { dir } of PACKAGES) {
      const from = join(ROOT, dir);
      cpSync(from, join(stage, dir), {
        recursive: true,
        filter: (source) => {
          const top = relative(from, source).split(sep)[0];
          return top !== 'node_modules' && top !== 'dist' && top !== 'test';
        },
      });
    }

    const pack = await mustRun(
      'npm',
      ['pack', '--json', '--pack-destination', tarballs, ...PACKAGES.map(({ dir }) => `./${dir}`)],
      stage,
      300_000,
    );
    packed = JSON.parse(pack.stdout) as Packed[];

    writeFileSync(
      join(consumer, 'package.json'),
      `${JSON.stringify({ name: 'toolscope-consumer', private: true, type: 'module' }, null, 2)}\n`,
    );
    const api = readJson(join(ROOT, 'node_modules', '@opentelemetry', 'api', 'package.json'));
    await mustRun(
      'npm',
      [
        'install',
        '--no-audit',
        '--no-fund',
        '--prefer-offline',
        ...packed.map((p) => join(tarballs, p.filename)),
        `@opentelemetry/api@${api.version}`,
      ],
      consumer,
      300_000,
    );
    cpSync(join(FIXTURES, 'consumer.mjs'), join(consumer, 'consumer.mjs'));
  }, 600_000);

  afterAll(() => {
    if (work !== '') rmSync(work, { recursive: true, force: true });
  });

  it('packs every package with its build (.js and .d.ts), README and LICENSE, and no tests', () => {
    expect(packed.map((p) => p.name).sort()).toEqual(PACKAGES.map((p) => p.name).sort());
    for (const p of packed) {
      const paths = p.files.map((f) => f.path);
      for (const required of [
        'package.json',
        'README.md',
        'LICENSE',
        'dist/index.js',
        'dist/index.d.ts',
      ]) {
        expect(paths, `${p.name} lacks ${required}`).toContain(required);
      }
      // Every module has its declarations.
      for (const js of paths.filter((f) => f.startsWith('dist/') && f.endsWith('.js'))) {
        expect(paths, `${p.name}: ${js} has no .d.ts`).toContain(js.replace(/\.js$/, '.d.ts'));
      }
      expect(paths.filter((f) => f.startsWith('test/') || f.includes('.test.'))).toEqual([]);
    }
    const cli = packed.find((p) => p.name === 'toolscope');
    expect(cli?.files.map((f) => f.path)).toContain('bin/toolscope.js');
  });

  it('makes an instrumented call: a span and metrics exported, a record in the store', async () => {
    const ran = await mustRun(NODE, ['consumer.mjs'], consumer, 60_000);
    const line = ran.stdout.split('\n').find((l) => l.startsWith('CONSUMER_RESULT '));
    expect(line, ran.stdout + ran.stderr).toBeDefined();
    const out = JSON.parse(line!.slice('CONSUMER_RESULT '.length));
    expect(out.result).toEqual({ hits: 5 });
    expect(out.stats).toMatchObject({
      spansExported: 1,
      spansFailed: 0,
      spansDropped: 0,
      metricExportsFailed: 0,
    });
    expect(out.stats.metricExports).toBeGreaterThanOrEqual(1);
    expect(out.tools).toEqual([{ tool: 'search', calls: 1 }]);
    expect(out.spans).toEqual([
      {
        name: 'execute_tool search',
        scope: '@toolscope/instrumentation',
        service: 'toolscope-consumer',
        attributes: expect.objectContaining({
          'gen_ai.tool.name': 'search',
          'toolscope.correlation_id': 'consumer-0001',
        }),
      },
    ]);
    expect(out.metricNames).toContain('gen_ai.execute_tool.duration');
    for (const [specifier, count] of Object.entries(out.exportCounts)) {
      expect(count, `${specifier} exports nothing`).toBeGreaterThan(0);
    }
  });

  it('type-checks a TypeScript consumer against the packed declarations', async () => {
    cpSync(join(FIXTURES, 'consumer-types.ts'), join(consumer, 'consumer-types.ts'));
    writeFileSync(
      join(consumer, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2023',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          noEmit: true,
          skipLibCheck: false,
          types: ['node'],
          // @types/node from the repository: the fresh project does not need its own.
          typeRoots: [join(ROOT, 'node_modules', '@types')],
        },
        files: ['consumer-types.ts'],
      }),
    );
    const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    await mustRun(NODE, [tsc, '-p', 'tsconfig.json'], consumer, 120_000);
  });

  it('runs the toolscope bin: npx toolscope --help exits 0', async () => {
    // --no: never fetch a package called toolscope from the registry instead.
    const ran = await mustRun('npx', ['--no', '--', 'toolscope', '--help'], consumer, 60_000);
    expect(ran.stdout).toContain('Usage');
    expect(ran.stdout).toContain('toolscope <command>');
  });
});
