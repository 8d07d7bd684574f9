// Installs what the real-VS-Code harness needs when it is missing, and reuses what is there:
// Debian's chromium (and libkrb5-dev, which code-server's kerberos addon compiles against),
// Node 24 from the npm registry, code-server and playwright-core in their pinned folders.
// An install is reused when the stamp it left matches the folder's package-lock.json.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { codeServerEntry, node24Binary, node24Dir, node24Home, vscodeTestDir } from './paths';

export interface ToolNeeds {
  /** Chromium is needed to drive the workbench in tests, not to serve it for `npm start`. */
  readonly browser: boolean;
}

const STAMP_FILE = '.mnemo-install-stamp';

export function ensureTools(needs: ToolNeeds): void {
  const codeServerMissing = !installIsCurrent(vscodeTestDir, codeServerEntry);
  const debPackages = missingDebianPackages({ browser: needs.browser, buildsCodeServer: codeServerMissing });
  installDebianPackages(debPackages);
  ensurePinnedInstall('Node 24', node24Dir, node24Binary);
  ensurePinnedInstall('code-server + playwright-core', vscodeTestDir, codeServerEntry);
}

/** Environment that makes npm and node-gyp run on (and build against) the pinned Node 24. */
export function node24Env(base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return {
    ...withoutOuterNpm(base),
    PATH: `${path.join(node24Home, 'bin')}${path.delimiter}${base.PATH ?? ''}`,
    // ~/.npmrc may name another Node's headers; code-server's addons must match Node 24's ABI.
    npm_config_nodedir: node24Home,
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
  };
}

/**
 * The environment minus what an outer `npm run` exported (npm_config_*, npm_package_*, ...). An
 * inner npm would take those as its own config: npm_config_user_agent names the outer npm's Node,
 * and code-server's postinstall reads the Node version from it.
 */
function withoutOuterNpm(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([key]) => !/^npm_/i.test(key)));
}

export function chromiumPath(): string {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv) return fromEnv;
  const found = commandPath('chromium');
  if (!found) throw new Error("chromium not found: install Debian's package (apt-get install chromium) or set CHROMIUM_PATH");
  return found;
}

function missingDebianPackages(why: { browser: boolean; buildsCodeServer: boolean }): string[] {
  const missing: string[] = [];
  if (why.browser && !process.env.CHROMIUM_PATH && !commandPath('chromium')) missing.push('chromium');
  if (why.buildsCodeServer && !debianPackageInstalled('libkrb5-dev')) missing.push('libkrb5-dev');
  return missing;
}

function installDebianPackages(packages: string[]): void {
  if (packages.length === 0) return;
  const isRoot = process.getuid?.() === 0;
  if (!isRoot || !commandPath('apt-get')) {
    throw new Error(
      `missing system packages: ${packages.join(' ')}. Install them first, e.g.\n` +
        `  sudo apt-get install -y ${packages.join(' ')}\n(or set CHROMIUM_PATH to a Chromium/Chrome binary)`,
    );
  }
  log(`installing Debian packages: ${packages.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  run('apt-get', ['update', '-qq'], { env });
  run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...packages], { env });
}

function ensurePinnedInstall(label: string, dir: string, probe: string): void {
  if (installIsCurrent(dir, probe)) return;
  const node24Ready = fs.existsSync(node24Binary);
  log(`installing ${label} into ${path.relative(process.cwd(), dir) || dir} (first time: code-server takes minutes)`);
  const started = Date.now();
  // npm itself runs on Node 24 once it is there: code-server's postinstall insists on it.
  const env = node24Ready ? node24Env() : { ...withoutOuterNpm(process.env), npm_config_audit: 'false', npm_config_fund: 'false' };
  run('npm', ['ci', '--loglevel=error'], { cwd: dir, env });
  if (!fs.existsSync(probe)) throw new Error(`${label}: npm ci finished but ${probe} is missing`);
  fs.writeFileSync(path.join(dir, 'node_modules', STAMP_FILE), lockHash(dir));
  log(`${label} installed in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

function installIsCurrent(dir: string, probe: string): boolean {
  const stamp = path.join(dir, 'node_modules', STAMP_FILE);
  return fs.existsSync(probe) && fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === lockHash(dir);
}

function lockHash(dir: string): string {
  return createHash('sha256')
    .update(fs.readFileSync(path.join(dir, 'package-lock.json')))
    .digest('hex');
}

function debianPackageInstalled(name: string): boolean {
  const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', name], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.includes('install ok installed');
}

function commandPath(name: string): string | undefined {
  try {
    return execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

function run(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv }): void {
  const r = spawnSync(cmd, args, { stdio: 'inherit', ...opts });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (exit ${r.status ?? r.signal})`);
}

function log(message: string): void {
  console.log(`[tools] ${message}`);
}

export const _private = { withoutOuterNpm };
