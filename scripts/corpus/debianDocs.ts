// Documentation from Debian packages (pinned version and .deb sha256), used as extra corpus
// docs: the Node.js API reference in Markdown. Downloaded with `apt-get download` into the
// git-ignored cache and unpacked with dpkg-deb; no root install.

import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import path from 'node:path';
import type { CorpusFile, PackageInfo } from './collectPackages';
import { compareText } from './collectPackages';

export interface DebianDocPackage {
  readonly name: string;
  readonly version: string;
  readonly sha256: string;
  readonly license: string;
  /** How questions name the project ("Node.js"). */
  readonly displayName: string;
  /** Folder inside the package whose .md / .md.gz files are taken. */
  readonly docDir: string;
}

export const DEBIAN_DOC_PACKAGES: readonly DebianDocPackage[] = [
  {
    name: 'nodejs-doc',
    version: '18.20.4+dfsg-1~deb12u2',
    sha256: '9f674d3536be94923bb8720c48ec17bc92b8de62f2954c3172b59a3ada1de65f',
    license: 'MIT',
    displayName: 'Node.js',
    docDir: 'usr/share/doc/nodejs/api',
  },
];

function sha256Of(filePath: string): string {
  return createHash('sha256').update(readFileSync(filePath)).digest('hex');
}

/** Downloads (if needed) and checks the pinned .deb; returns its path. */
function fetchDeb(spec: DebianDocPackage, cacheDir: string): string {
  const debName = `${spec.name}_${spec.version.replace(/^\d+:/, '')}_all.deb`;
  const debPath = path.join(cacheDir, debName);
  if (existsSync(debPath) && sha256Of(debPath) === spec.sha256) return debPath;
  mkdirSync(cacheDir, { recursive: true });
  const download = (): void => {
    execFileSync('apt-get', ['download', `${spec.name}=${spec.version}`], { cwd: cacheDir, stdio: ['ignore', 'ignore', 'pipe'] });
  };
  try {
    download();
  } catch {
    // The package lists may be missing or stale on a fresh machine.
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
    download();
  }
  const actual = sha256Of(debPath);
  if (actual !== spec.sha256) throw new Error(`${debName}: sha256 ${actual}, expected ${spec.sha256}`);
  return debPath;
}

/** The package's Markdown docs as corpus files (kind 'doc'), sorted by path. */
export function debianDocFiles(spec: DebianDocPackage, cacheDir: string): { pkg: PackageInfo; files: CorpusFile[] } {
  const debPath = fetchDeb(spec, cacheDir);
  const unpacked = path.join(cacheDir, `${spec.name}-${spec.version}`);
  rmSync(unpacked, { recursive: true, force: true });
  execFileSync('dpkg-deb', ['-x', debPath, unpacked]);
  const docDir = path.join(unpacked, spec.docDir);
  const files: CorpusFile[] = [];
  for (const entry of readdirSync(docDir).sort(compareText)) {
    if (!/\.md(\.gz)?$/.test(entry)) continue;
    const raw = readFileSync(path.join(docDir, entry));
    const text = (entry.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8');
    files.push({
      packageName: spec.name,
      relativePath: `api/${entry.replace(/\.gz$/, '')}`,
      kind: 'doc',
      text,
      bytes: Buffer.byteLength(text),
      sha256: createHash('sha256').update(text).digest('hex'),
    });
  }
  const pkg: PackageInfo = { name: spec.name, version: spec.version, license: spec.license, dir: unpacked, displayName: spec.displayName };
  return { pkg, files: files.sort((a, b) => compareText(a.relativePath, b.relativePath)) };
}
