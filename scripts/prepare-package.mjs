#!/usr/bin/env node
/**
 * The `prepare` script of every package in packages/ (run by npm in the package's directory):
 * builds `dist/` (removed first, so no file of a deleted source survives) with
 * `tsc -p tsconfig.build.json`, which the package's `exports` resolve to outside this
 * repository.
 *
 * npm runs `prepare` on `npm pack` / `npm publish`, and on `npm install` for every package
 * linked from a directory (`file:` dependencies, workspaces). It builds in every case except
 * one: the repository's own install (`npm install` / `npm ci` at its root). The repository
 * runs everything from the sources through the `toolscope-source` export condition, and a
 * `dist/` built at install time would go stale as soon as a source changes (the `toolscope`
 * launcher runs `dist/` when present). `npm run build -ws` builds it on demand.
 *
 * With `--remove-dist` (every package's `postpack`) it only removes `dist/` again: packing in
 * the checkout leaves it as it was, source only. A linked install keeps its `dist/`.
 *
 * Plain JavaScript: in a project that links a package from a clone this runs on that
 * project's Node, which may not strip types.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, realpathSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
/** npm commands that install into a project (and run `prepare` of its linked packages). */
const INSTALLING = new Set([
  'install',
  'ci',
  'update',
  'dedupe',
  'rebuild',
  'uninstall',
  'prune',
  'link',
  'install-test',
  'install-ci-test',
]);

const pkgDir = process.cwd();
const name = process.env.npm_package_name ?? pkgDir;
const dist = join(pkgDir, 'dist');

if (process.argv.includes('--remove-dist')) {
  rmSync(dist, { recursive: true, force: true });
  process.exit(0);
}

function real(path) {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

function fail(message) {
  process.stderr.write(`${name}: prepare: ${message}\n`);
  process.exit(1);
}

const command = process.env.npm_command ?? '';
const installPrefix = process.env.npm_config_local_prefix;
if (
  INSTALLING.has(command) &&
  installPrefix !== undefined &&
  real(installPrefix) === real(REPO_ROOT)
) {
  // The repository's own install: sources only (see above).
  process.exit(0);
}

let tsc;
try {
  const require = createRequire(join(pkgDir, 'package.json'));
  tsc = join(dirname(require.resolve('typescript/package.json')), 'bin', 'tsc');
} catch {
  fail(
    `TypeScript is needed to build dist/ and was not found from ${pkgDir}; ` +
      `run npm install at the root of the toolscope checkout (${REPO_ROOT}) first`,
  );
}

rmSync(dist, { recursive: true, force: true });
const build = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], {
  cwd: pkgDir,
  stdio: 'inherit',
});
if (build.error !== undefined) fail(`cannot run ${tsc}: ${build.error.message}`);
if (build.status !== 0) fail(`tsc -p tsconfig.build.json failed (exit ${build.status})`);
for (const file of ['dist/index.js', 'dist/index.d.ts']) {
  if (!existsSync(join(pkgDir, file))) fail(`the build did not write ${file}`);
}
