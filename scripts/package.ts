// `npm run package`: a target-specific .vsix with @vscode/vsce, offline. onnxruntime-node ships
// native binaries for several platforms; each target's package keeps only its own, so the
// linux-x64 .vsix carries ~46 MB of runtime instead of ~290 MB.
//
// usage: node --import tsx scripts/package.ts [--target linux-x64]   (default: this machine)
// Targets are the platforms onnxruntime-node 1.30 has binaries for (see TARGETS); only linux-x64
// is built and tested in CI here.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const repoRoot = path.resolve(__dirname, '..');

/** vsce target name -> onnxruntime-node's bin/napi-v6/<platform>/<arch> folder. */
export const TARGETS = {
  'linux-x64': 'linux/x64',
  'linux-arm64': 'linux/arm64',
  'darwin-arm64': 'darwin/arm64',
  'win32-x64': 'win32/x64',
  'win32-arm64': 'win32/arm64',
} as const;

export type Target = keyof typeof TARGETS;

const ALL_BINARIES_LINE = '!node_modules/onnxruntime-node/bin/**';

export function hostTarget(): Target {
  const target = `${process.platform}-${process.arch}`;
  if (!(target in TARGETS)) throw new Error(`no mnemo package for ${target}; targets: ${Object.keys(TARGETS).join(', ')}`);
  return target as Target;
}

export function vsixPath(target: Target): string {
  const { name, version } = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { name: string; version: string };
  return path.join(repoRoot, `${name}-${target}-${version}.vsix`);
}

/** .vscodeignore with "all binaries" narrowed to the target's folder (vsce: any `!` line re-includes). */
export function targetIgnoreFile(base: string, target: Target): string {
  if (!base.split('\n').includes(ALL_BINARIES_LINE)) throw new Error(`.vscodeignore lost the line ${ALL_BINARIES_LINE}`);
  return base.replace(ALL_BINARIES_LINE, `!node_modules/onnxruntime-node/bin/napi-v6/${TARGETS[target]}/**`);
}

export function packageVsix(target: Target): string {
  const ignoreFile = path.join(repoRoot, 'out', `vscodeignore.${target}`);
  fs.mkdirSync(path.dirname(ignoreFile), { recursive: true });
  fs.writeFileSync(ignoreFile, targetIgnoreFile(fs.readFileSync(path.join(repoRoot, '.vscodeignore'), 'utf8'), target));
  const out = vsixPath(target);
  const vsce = path.join(repoRoot, 'node_modules', '@vscode', 'vsce', 'vsce');
  // vsce runs the vscode:prepublish script (npm run build) before it collects files.
  const r = spawnSync(
    process.execPath,
    [vsce, 'package', '--target', target, '--ignoreFile', ignoreFile, '--out', out, '--allow-missing-repository'],
    { cwd: repoRoot, stdio: 'inherit' },
  );
  if (r.status !== 0) throw new Error(`vsce package failed (exit ${r.status ?? r.signal})`);
  return out;
}

function targetFromArgs(): Target {
  const i = process.argv.indexOf('--target');
  if (i < 0) return hostTarget();
  const target = process.argv[i + 1];
  if (!(target in TARGETS)) throw new Error(`unknown target ${target}; targets: ${Object.keys(TARGETS).join(', ')}`);
  return target as Target;
}

if (require.main === module) {
  try {
    const started = Date.now();
    const out = packageVsix(targetFromArgs());
    const mb = (fs.statSync(out).size / 1e6).toFixed(1);
    console.log(`[package] ${path.relative(process.cwd(), out)} (${mb} MB) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  } catch (e) {
    console.error(`[package] ${(e as Error).message}`);
    process.exit(1);
  }
}
