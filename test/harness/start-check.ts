// Checks `npm start` as a person uses it: run scripts/start.ts, wait for the printed URL, load it,
// press Ctrl-C (SIGINT to the start script's process group, as a terminal does) and check that
// code-server and every process it started are gone and its temp dir removed.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { sleep } from './code-server';
import { repoRoot } from './paths';
import { CheckList } from './check-list';
import type { Tally } from './tally';

const URL_LINE = /^\s+(http:\/\/127\.0\.0\.1:\d+\/\S*)$/m;
const LOG_LINE = /^log:\s+(\S+)$/m;

export async function checkNpmStart(): Promise<Tally> {
  const checks = new CheckList();
  let output = '';
  // Its own process group, like a shell job: the SIGINT below reaches it the way Ctrl-C does.
  const start = spawn(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'scripts', 'start.ts')],
    { cwd: repoRoot, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  start.stdout.on('data', (chunk: Buffer) => { output += chunk.toString(); });
  start.stderr.on('data', (chunk: Buffer) => { output += chunk.toString(); });
  const exited = new Promise<number | null>(resolve => start.once('exit', code => resolve(code)));

  try {
    const url = await checks.run('npm start prints the URL of the workbench', async () => {
      const deadline = Date.now() + 120_000;
      // Both lines: they come in separate writes, so the URL can arrive a chunk before the log path.
      while (!URL_LINE.test(output) || !LOG_LINE.test(output)) {
        if (start.exitCode !== null || Date.now() > deadline) throw new Error(`no URL; output:\n${output}`);
        await sleep(100);
      }
      return URL_LINE.exec(output)![1];
    });
    const logPath = LOG_LINE.exec(output)?.[1];
    const serverDir = logPath ? path.dirname(logPath) : '';
    await checks.run('the URL serves the VS Code workbench', async () => {
      if (!url) throw new Error('no URL');
      const page = await httpGet(url);
      if (page.status !== 200 || !page.body.includes('vs/code/browser/workbench')) {
        throw new Error(`GET ${url}: ${page.status}`);
      }
    });
    await checks.run('Ctrl-C stops code-server and every process it started, and removes its temp dir', async () => {
      process.kill(-start.pid!, 'SIGINT');
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<'timeout'>(resolve => { timer = setTimeout(() => resolve('timeout'), 20_000); });
      const code = await Promise.race([exited, timeout]);
      clearTimeout(timer);
      if (code === 'timeout') throw new Error('npm start did not exit within 20 s of SIGINT');
      if (code !== 0) throw new Error(`npm start exited with ${code}`);
      const left = processesMentioning(serverDir);
      if (left.length > 0) throw new Error(`still running: ${left.join('; ')}`);
      if (!serverDir) throw new Error(`npm start printed no log path; output:\n${output}`);
      if (fs.existsSync(serverDir)) throw new Error(`${serverDir} is still there`);
      if (url && (await httpGet(url)).status !== 0) throw new Error(`${url} still answers`);
    });
  } finally {
    try {
      process.kill(-start.pid!, 'SIGKILL');
    } catch {
      // already gone, as it should be
    }
  }
  return checks.tally(0);
}

/** Command lines (from /proc) that name the given directory: code-server's processes do. */
function processesMentioning(dir: string): string[] {
  if (!dir || dir === '.') return [];
  return fs.readdirSync('/proc').filter(p => /^\d+$/.test(p)).flatMap(pid => {
    try {
      const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
      return cmdline.includes(dir) ? [`${pid} ${cmdline.slice(0, 120)}`] : [];
    } catch {
      return [];
    }
  });
}

function httpGet(url: string): Promise<{ status: number; body: string }> {
  return new Promise(resolve => {
    http.get(url, res => {
      let body = '';
      res.on('data', (chunk: Buffer) => { body += chunk.toString(); });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    }).on('error', () => resolve({ status: 0, body: '' }));
  });
}
