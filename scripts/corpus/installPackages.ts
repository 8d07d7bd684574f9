// Installs the pinned corpus packages (scripts/corpus/packages) into the git-ignored cache with
// `npm ci --ignore-scripts`, skipping the install when the cache already matches the lockfile.

import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import path from 'node:path';

/** Returns the node_modules folder holding the pinned packages. */
export function installPinnedPackages(listDir: string, cacheDir: string): string {
  const lockText = readFileSync(path.join(listDir, 'package-lock.json'));
  const listText = readFileSync(path.join(listDir, 'package.json'));
  const want = createHash('sha256').update(listText).update(lockText).digest('hex');
  const stampPath = path.join(cacheDir, '.installed-sha256');
  const nodeModules = path.join(cacheDir, 'node_modules');
  if (existsSync(stampPath) && readFileSync(stampPath, 'utf8') === want && existsSync(nodeModules)) return nodeModules;
  mkdirSync(cacheDir, { recursive: true });
  rmSync(stampPath, { force: true });
  copyFileSync(path.join(listDir, 'package.json'), path.join(cacheDir, 'package.json'));
  copyFileSync(path.join(listDir, 'package-lock.json'), path.join(cacheDir, 'package-lock.json'));
  console.log(`installing pinned corpus packages into ${cacheDir} (npm ci --ignore-scripts)...`);
  execFileSync('npm', ['ci', '--ignore-scripts', '--legacy-peer-deps', '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd: cacheDir,
    stdio: 'inherit',
    env: { ...process.env, ONNXRUNTIME_NODE_INSTALL: 'skip' },
  });
  writeFileSync(stampPath, want);
  return nodeModules;
}
