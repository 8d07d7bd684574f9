// Walks an installed node_modules tree and returns each package's corpus files: kinds assigned,
// minified/bundled/oversized files dropped, one file kept per module stem. Everything is sorted so
// the result does not depend on directory listing order.

import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import {
  MAX_FILE_BYTES,
  SourceKind,
  comparePreference,
  duplicatePreference,
  isBundlePath,
  isMinifiedOrBundled,
  moduleStem,
  sourceKind,
} from './sourceFilter';

export interface PackageInfo {
  readonly name: string;
  readonly version: string;
  readonly license: string;
  readonly dir: string;
  /** How generated questions name the project, when not its package name. */
  readonly displayName?: string;
}

export interface CorpusFile {
  readonly packageName: string;
  /** Path inside the package, '/'-separated. */
  readonly relativePath: string;
  readonly kind: SourceKind;
  readonly text: string;
  readonly bytes: number;
  readonly sha256: string;
}

export interface DropCounts {
  oversized: number;
  bundlePath: number;
  minified: number;
  duplicateBuild: number;
  notUtf8: number;
}

/** Every package under node_modules (scoped and nested ones too), once per name@version. */
export function findPackages(nodeModulesDir: string): PackageInfo[] {
  const found = new Map<string, PackageInfo>();
  const visit = (modulesDir: string): void => {
    for (const entry of sortedEntries(modulesDir)) {
      if (entry.startsWith('.')) continue;
      const entryPath = path.join(modulesDir, entry);
      if (entry.startsWith('@')) {
        for (const scoped of sortedEntries(entryPath)) visitPackage(path.join(entryPath, scoped));
      } else {
        visitPackage(entryPath);
      }
    }
  };
  const visitPackage = (dir: string): void => {
    let manifest: { name?: string; version?: string; license?: unknown };
    try {
      manifest = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
    } catch {
      return;
    }
    if (manifest.name === undefined || manifest.version === undefined) return;
    const key = `${manifest.name}@${manifest.version}`;
    if (!found.has(key)) {
      const license = typeof manifest.license === 'string' ? manifest.license : 'UNKNOWN';
      found.set(key, { name: manifest.name, version: manifest.version, license, dir });
    }
    const nested = path.join(dir, 'node_modules');
    if (isDirectory(nested)) visit(nested);
  };
  visit(nodeModulesDir);
  return [...found.values()].sort((a, b) => compareText(`${a.name}@${a.version}`, `${b.name}@${b.version}`));
}

/** The package's corpus files after filtering and duplicate-build removal, sorted by path. */
export function collectPackageFiles(pkg: PackageInfo, drops: DropCounts): CorpusFile[] {
  const byStem = new Map<string, { kind: SourceKind; relativePath: string; text: string }>();
  const docs: { relativePath: string; text: string }[] = [];
  for (const relativePath of listFiles(pkg.dir)) {
    const kind = sourceKind(relativePath);
    if (kind === undefined) continue;
    const fullPath = path.join(pkg.dir, relativePath);
    if (statSync(fullPath).size > MAX_FILE_BYTES) {
      drops.oversized++;
      continue;
    }
    if (kind !== 'doc' && isBundlePath(relativePath)) {
      drops.bundlePath++;
      continue;
    }
    const buffer = readFileSync(fullPath);
    const text = buffer.toString('utf8');
    if (text.includes('\uFFFD') && !buffer.includes(Buffer.from('\uFFFD', 'utf8'))) {
      drops.notUtf8++;
      continue;
    }
    if (kind !== 'doc' && isMinifiedOrBundled(text)) {
      drops.minified++;
      continue;
    }
    if (kind === 'doc') {
      docs.push({ relativePath, text });
      continue;
    }
    const stem = moduleStem(relativePath);
    const current = byStem.get(stem);
    if (current === undefined) {
      byStem.set(stem, { kind, relativePath, text });
      continue;
    }
    drops.duplicateBuild++;
    if (comparePreference(duplicatePreference(kind, relativePath), duplicatePreference(current.kind, current.relativePath)) < 0) {
      byStem.set(stem, { kind, relativePath, text });
    }
  }
  const files = [...docs.map((doc) => ({ ...doc, kind: 'doc' as const })), ...byStem.values()];
  return files
    .map((file) => ({
      packageName: pkg.name,
      relativePath: file.relativePath,
      kind: file.kind,
      text: file.text,
      bytes: Buffer.byteLength(file.text),
      sha256: createHash('sha256').update(file.text).digest('hex'),
    }))
    .sort((a, b) => compareText(a.relativePath, b.relativePath));
}

/** All files under a package folder (not into nested node_modules), '/'-separated, sorted. */
function listFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string, prefix: string): void => {
    for (const entry of sortedEntries(dir)) {
      if (entry === 'node_modules' || entry.startsWith('.')) continue;
      const full = path.join(dir, entry);
      const stat = statSync(full, { throwIfNoEntry: false });
      if (stat === undefined) continue;
      if (stat.isDirectory()) walk(full, `${prefix}${entry}/`);
      else if (stat.isFile()) out.push(`${prefix}${entry}`);
    }
  };
  walk(root, '');
  return out;
}

function sortedEntries(dir: string): string[] {
  return readdirSync(dir).sort(compareText);
}

function isDirectory(dir: string): boolean {
  return statSync(dir, { throwIfNoEntry: false })?.isDirectory() ?? false;
}

/** Code-unit order, independent of locale. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
