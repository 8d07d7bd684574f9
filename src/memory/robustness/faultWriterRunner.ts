// The parent side of faultWriterProcess.ts: bundles the child once with esbuild (plain node starts
// it in ~0.1 s instead of ~0.4 s through tsx, which matters over dozens of kill trials; falls back
// to tsx without esbuild), spawns it, reads its begin/ack report, and kills it when told to.

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { FaultWriterConfig, ReportedOp } from './faultWriterProcess';

const CHILD_SOURCE = path.join(__dirname, 'faultWriterProcess.ts');
const REPO_ROOT = path.resolve(__dirname, '../../..');

let command: Promise<readonly string[]> | undefined;

/** The node arguments that run the child: a bundle when esbuild is there, else tsx on the source. */
function childCommand(): Promise<readonly string[]> {
  command ??= (async () => {
    try {
      const esbuild = await import('esbuild');
      const bundleDir = mkdtempSync(path.join(os.tmpdir(), 'mnemo-fault-child-'));
      process.once('exit', () => rmSync(bundleDir, { recursive: true, force: true }));
      const outfile = path.join(bundleDir, 'faultWriterProcess.js');
      await esbuild.build({
        entryPoints: [CHILD_SOURCE],
        bundle: true,
        platform: 'node',
        format: 'cjs',
        target: 'node20',
        outfile,
        logLevel: 'silent',
      });
      return [outfile];
    } catch {
      return ['--import', 'tsx', CHILD_SOURCE];
    }
  })();
  return command;
}

export interface ChildRun {
  /** Operations the child reported as acknowledged, in order. */
  readonly acks: ReportedOp[];
  /** The operation begun and not acknowledged when the child ended, if any. */
  readonly inFlight: ReportedOp | undefined;
  /** Whether the child printed "ready" (its store open finished). */
  readonly ready: boolean;
  readonly done: boolean;
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stderr: string;
}

export interface KillPlan {
  /** SIGKILL this long after "ready". */
  readonly afterReadyMs?: number;
  /** SIGKILL this long after spawning (may land inside the store's open and recovery). */
  readonly afterSpawnMs?: number;
}

/** Runs a child to its end (done, crash, or the planned SIGKILL). */
export async function runFaultWriter(config: FaultWriterConfig, kill: KillPlan = {}): Promise<ChildRun> {
  const args = await childCommand();
  const proc = spawn(process.execPath, [...args, JSON.stringify(config)], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  const acks: ReportedOp[] = [];
  let inFlight: ReportedOp | undefined;
  let ready = false;
  let done = false;
  let stderr = '';
  let buffered = '';
  let timer: NodeJS.Timeout | undefined;
  const killNow = () => proc.kill('SIGKILL');
  if (kill.afterSpawnMs !== undefined) timer = setTimeout(killNow, kill.afterSpawnMs);
  proc.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  proc.stdout!.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    for (let newline = buffered.indexOf('\n'); newline !== -1; newline = buffered.indexOf('\n')) {
      const line = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      const space = line.indexOf(' ');
      const kind = space === -1 ? line : line.slice(0, space);
      const op = space === -1 ? undefined : (JSON.parse(line.slice(space + 1)) as ReportedOp);
      if (kind === 'ready') {
        ready = true;
        if (kill.afterReadyMs !== undefined) timer = setTimeout(killNow, kill.afterReadyMs);
      } else if (kind === 'begin') inFlight = op;
      else if (kind === 'ack') {
        acks.push(op!);
        inFlight = undefined;
      } else if (kind === 'done') done = true;
    }
  });
  const [exitCode, signal] = await new Promise<[number | null, NodeJS.Signals | null]>(resolve =>
    proc.on('close', (code, sig) => resolve([code, sig])),
  );
  if (timer) clearTimeout(timer);
  return { acks, inFlight, ready, done, exitCode, signal, stderr };
}
