/**
 * `npm run bench`'s first step (`prebench`): installs the comparison baselines pinned in
 * bench/baselines/package.json and its lockfile (OpenLLMetry, prom-client) into
 * bench/baselines/node_modules, with `npm ci --prefix bench/baselines`, when one of them is
 * missing or not the version the lockfile pins; otherwise does nothing. They are not in the
 * repository's own `npm install`; the CI smoke run (`bench/run.ts --quick`, started directly by
 * test/unit/bench-smoke.test.ts) goes without them and their rows print `n/a`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const BASELINES_URL = new URL('./baselines/', import.meta.url);
const BASELINES = fileURLToPath(BASELINES_URL);

function readJson<T>(relative: string): T | undefined {
  const url = new URL(relative, BASELINES_URL);
  return existsSync(url) ? (JSON.parse(readFileSync(url, 'utf8')) as T) : undefined;
}

const manifest = readJson<{ dependencies: Record<string, string> }>('package.json')!;
const lock = readJson<{ packages: Record<string, { version?: string }> }>('package-lock.json')!;

/** The baselines that are not installed at the version the lockfile pins. */
const outdated = Object.keys(manifest.dependencies).filter((name) => {
  const installed = readJson<{ version: string }>(`node_modules/${name}/package.json`)?.version;
  return installed === undefined || installed !== lock.packages[`node_modules/${name}`]?.version;
});

if (outdated.length > 0) {
  process.stderr.write(
    `bench: installing the comparison baselines (${outdated.join(', ')}) into bench/baselines/node_modules\n`,
  );
  // npm's own CLI when this runs under npm (`npm run bench`), on the Node that runs this.
  const npmCli = process.env.npm_execpath;
  const [command, ...prefix] =
    npmCli !== undefined && /npm-cli\.[cm]?js$/.test(npmCli) ? [process.execPath, npmCli] : ['npm'];
  const install = spawnSync(
    command!,
    [...prefix, 'ci', '--prefix', BASELINES, '--no-audit', '--no-fund', '--prefer-offline'],
    { stdio: 'inherit', shell: process.platform === 'win32' && command === 'npm' },
  );
  if (install.status !== 0) {
    process.stderr.write(
      'bench: npm ci --prefix bench/baselines failed. To run without the baselines ' +
        '(their rows print n/a):\n  node --conditions=toolscope-source --expose-gc bench/run.ts\n',
    );
    process.exitCode = 1;
  }
}
