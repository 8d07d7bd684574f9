// A training run's directory: numbered checkpoint subdirectories (ckpt-00001234), the JSONL log,
// and finding the latest checkpoint to resume from.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { manifestFileName } from '../checkpoint';

const checkpointPattern = /^ckpt-(\d+)$/;

export function checkpointDirName(step: number): string {
  return `ckpt-${String(step).padStart(8, '0')}`;
}

export function logFilePath(runDir: string): string {
  return path.join(runDir, 'log.jsonl');
}

/** Complete checkpoints of the run (those with a manifest), oldest first. */
export function listCheckpoints(runDir: string): { step: number; dir: string }[] {
  if (!fs.existsSync(runDir)) return [];
  return fs
    .readdirSync(runDir)
    .map(name => ({ name, match: checkpointPattern.exec(name) }))
    .filter(entry => entry.match && fs.existsSync(path.join(runDir, entry.name, manifestFileName)))
    .map(entry => ({ step: Number(entry.match![1]), dir: path.join(runDir, entry.name) }))
    .sort((a, b) => a.step - b.step);
}

export function latestCheckpoint(runDir: string): { step: number; dir: string } | null {
  const all = listCheckpoints(runDir);
  return all.length > 0 ? all[all.length - 1]! : null;
}

/** Deletes all but the newest `keep` checkpoints (and stale temporary directories of a crash). */
export function pruneCheckpoints(runDir: string, keep: number): void {
  const all = listCheckpoints(runDir);
  for (const old of all.slice(0, Math.max(0, all.length - keep))) fs.rmSync(old.dir, { recursive: true, force: true });
  for (const name of fs.readdirSync(runDir)) {
    if (/^ckpt-\d+\.tmp-/.test(name)) fs.rmSync(path.join(runDir, name), { recursive: true, force: true });
  }
}
