// Starts and stops code-server (a real VS Code: server + web workbench + Node extension host) on
// the pinned Node 24, with everything it writes kept in a temp dir: config, user data, extensions.
// It runs in its own process group, so stop() ends its helpers too.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { codeServerEntry, node24Binary } from './paths';

export interface CodeServerOptions {
  readonly workspace: string;
  /** 0 or undefined: a free port. */
  readonly port?: number;
  /** Lets the workbench URL's payload load a development extension and its tests. */
  readonly enableTestPayload?: boolean;
  /** .vsix files to install into this instance's extensions dir before it starts. */
  readonly installVsix?: readonly string[];
  /** Extension folders to link into the extensions dir (as <publisher>.<name>-<version>), live. */
  readonly linkExtensions?: readonly string[];
  /** Extra settings for the instance's user settings.json. */
  readonly settings?: Readonly<Record<string, unknown>>;
  /** Keep workspace trust on and leave the workspace untrusted (restricted mode, no startup prompt). */
  readonly untrustedWorkspace?: boolean;
  /** Extra environment for code-server and so its extension host. */
  readonly env?: Readonly<Record<string, string>>;
  readonly startupTimeoutMs?: number;
  /**
   * Keep user data (and so every extension's workspace storage: mnemo's store), extensions, config
   * and the log in this folder across runs (npm start). Default: a fresh temp dir per run.
   */
  readonly stateDir?: string;
}

export interface CodeServer {
  readonly port: number;
  readonly baseUrl: string;
  readonly tmpDir: string;
  readonly extensionsDir: string;
  readonly logPath: string;
  /** Settles when the code-server process exits (by itself or through stop()). */
  readonly exited: Promise<void>;
  /** The URL that opens the workspace. */
  workspaceUrl(query?: Record<string, string>): string;
  logTail(lines?: number): string;
  stop(): Promise<void>;
}

const QUIET_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'chat.disableAIFeatures': true,
  'git.openRepositoryInParentFolders': 'never',
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
};

// Restricted mode without the modal trust prompt: a fresh user data dir trusts nothing.
const UNTRUSTED_SETTINGS = {
  'security.workspace.trust.enabled': true,
  'security.workspace.trust.startupPrompt': 'never',
  'security.workspace.trust.banner': 'never',
};

export async function startCodeServer(options: CodeServerOptions): Promise<CodeServer> {
  const tmpDir = options.stateDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'mnemo-code-server-'));
  const userDataDir = path.join(tmpDir, 'user-data');
  const extensionsDir = path.join(tmpDir, 'extensions');
  const configPath = path.join(tmpDir, 'config.yaml');
  const logPath = path.join(tmpDir, 'code-server.log');
  fs.mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
  fs.mkdirSync(extensionsDir, { recursive: true });
  const settingsPath = path.join(userDataDir, 'User', 'settings.json');
  // A kept state dir keeps the user's own settings: ours are written once, on its first run.
  if (!options.stateDir || !fs.existsSync(settingsPath)) {
    fs.writeFileSync(
      settingsPath,
      JSON.stringify({ ...QUIET_SETTINGS, ...(options.untrustedWorkspace ? UNTRUSTED_SETTINGS : {}), ...options.settings }, null, 2),
    );
  }
  if (options.stateDir) fs.writeFileSync(logPath, ''); // one run's log at a time
  fs.writeFileSync(configPath, ''); // else code-server writes ~/.config/code-server/config.yaml
  const dirArgs = ['--config', configPath, '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir];
  const env = { ...process.env, ...options.env, XDG_CONFIG_HOME: tmpDir, XDG_DATA_HOME: tmpDir };

  for (const vsix of options.installVsix ?? []) {
    const r = spawnSync(node24Binary, [codeServerEntry, ...dirArgs, '--install-extension', vsix], { encoding: 'utf8', env });
    fs.appendFileSync(logPath, `$ code-server --install-extension ${vsix}\n${r.stdout}${r.stderr}\n`);
    if (r.status !== 0) throw new Error(`code-server --install-extension ${vsix} failed:\n${r.stdout}${r.stderr}`);
  }

  for (const folder of options.linkExtensions ?? []) {
    // VS Code scans the extensions dir on first start and follows the link: a rebuild plus
    // "Developer: Reload Window" picks up changes, as with a development host.
    const link = path.join(extensionsDir, extensionFolderName(folder));
    fs.rmSync(link, { force: true }); // a kept state dir has it from the last run
    fs.symlinkSync(folder, link);
  }

  const port = options.port || (await freePort());
  const logFd = fs.openSync(logPath, 'a');
  const child = spawn(
    node24Binary,
    [
      codeServerEntry,
      ...dirArgs,
      '--bind-addr',
      `127.0.0.1:${port}`,
      '--auth',
      'none',
      '--disable-telemetry',
      '--disable-update-check',
      ...(options.untrustedWorkspace ? [] : ['--disable-workspace-trust']),
      '--disable-getting-started-override',
      ...(options.enableTestPayload ? ['--vscode-option', 'enable-smoke-test-driver'] : []),
      options.workspace,
    ],
    { detached: true, stdio: ['ignore', logFd, logFd], env },
  );
  fs.closeSync(logFd);
  const exited = new Promise<void>(resolve => child.once('exit', () => resolve()));

  const baseUrl = `http://127.0.0.1:${port}`;
  const server: CodeServer = {
    port,
    baseUrl,
    tmpDir,
    extensionsDir,
    logPath,
    exited,
    workspaceUrl: query => {
      const params = new URLSearchParams({ folder: options.workspace, ...query });
      // Slashes in the folder path need no escaping; keeping them makes the printed URL readable.
      return `${baseUrl}/?${params.toString().replace(/%2F/g, '/')}`;
    },
    logTail: (lines = 40) => readTail(logPath, lines),
    stop: () => stopProcessGroup(child),
  };
  try {
    await waitHealthy(baseUrl, child, options.startupTimeoutMs ?? 60_000);
  } catch (e) {
    await server.stop();
    throw new Error(`${(e as Error).message}\n--- code-server log ---\n${server.logTail()}`, { cause: e });
  }
  return server;
}

function extensionFolderName(folder: string): string {
  const manifest = JSON.parse(fs.readFileSync(path.join(folder, 'package.json'), 'utf8')) as {
    publisher: string;
    name: string;
    version: string;
  };
  return `${manifest.publisher}.${manifest.name}-${manifest.version}`;
}

export function removeTmpDir(server: CodeServer): void {
  fs.rmSync(server.tmpDir, { recursive: true, force: true });
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer().on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address() as net.AddressInfo;
      probe.close(() => resolve(address.port));
    });
  });
}

async function waitHealthy(baseUrl: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const started = Date.now();
  while ((await httpStatus(`${baseUrl}/healthz`)) !== 200) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error('code-server exited during startup');
    if (Date.now() - started > timeoutMs) throw new Error(`code-server did not answer within ${timeoutMs / 1000} s`);
    await sleep(200);
  }
}

function httpStatus(url: string): Promise<number> {
  return new Promise(resolve => {
    http
      .get(url, res => {
        res.resume();
        resolve(res.statusCode ?? 0);
      })
      .on('error', () => resolve(0));
  });
}

/** SIGTERM the whole group, then SIGKILL whatever is left after a grace period. */
export async function stopProcessGroup(child: ChildProcess, graceMs = 3000): Promise<void> {
  if (child.pid === undefined) return;
  const signalGroup = (signal: NodeJS.Signals | 0): boolean => {
    try {
      process.kill(-child.pid!, signal);
      return true;
    } catch {
      return false; // the group is gone
    }
  };
  if (!signalGroup('SIGTERM')) return;
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!signalGroup(0)) return; // signal 0: is anyone left?
    await sleep(100);
  }
  signalGroup('SIGKILL');
}

function readTail(file: string, lines: number): string {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise(resolve => setTimeout(resolve, ms));
}
