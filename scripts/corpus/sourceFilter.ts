// Which files of an npm package become corpus documents: their kind, whether they are minified or
// bundled, and the module stem that identifies duplicate builds of one module (cjs/esm/dist/src).

export type SourceKind = 'ts' | 'js' | 'dts' | 'doc';

/** Kinds in order of preference when one module ships in several forms. */
export const KIND_PREFERENCE: readonly SourceKind[] = ['ts', 'js', 'dts'];

/** Files larger than this are bundles or generated tables, not handwritten code. */
export const MAX_FILE_BYTES = 1_000_000;

const DOC_SKIP = /^(changelog|history|changes|license|licence|copying|code_of_conduct|security|contributing|authors|notice|releases?)([.-]|$)/i;

/** The kind of a file from its path, or undefined if it is not corpus material. */
export function sourceKind(relativePath: string): SourceKind | undefined {
  const name = relativePath.slice(relativePath.lastIndexOf('/') + 1);
  if (/\.d\.[cm]?ts$/.test(name)) return 'dts';
  if (/\.(ts|tsx|mts|cts)$/.test(name)) return 'ts';
  if (/\.(js|jsx|mjs|cjs)$/.test(name)) return 'js';
  if (/\.md$/i.test(name) && !DOC_SKIP.test(name)) return 'doc';
  return undefined;
}

/** Path segments that only say which build a file belongs to. */
const BUILD_SEGMENTS = new Set([
  'dist', 'build', 'lib', 'src', 'out', 'es', 'esm', 'esm5', 'esm2015', 'esm2017', 'esm2020', 'es5', 'es2015',
  'es2017', 'es2020', 'cjs', 'commonjs', 'mjs', 'module', 'modules', 'node', 'browser', 'types', 'typings',
  '_esm', '_cjs', '_types', 'dist-types', 'dts', 'umd', 'bundles', 'fesm2022', 'fesm2020', 'fesm2015', 'legacy',
]);

/** Name parts that only say which build variant a file is ("vue.esm-bundler.js", "x.cjs.prod.js"). */
const VARIANT_PARTS = new Set([
  'cjs', 'esm', 'esm-bundler', 'esm-browser', 'global', 'prod', 'production', 'dev', 'development', 'browser',
  'node', 'umd', 'iife', 'amd', 'min', 'bundle', 'es5', 'es2015', 'es2017', 'module', 'mjs', 'common', 'commonjs',
  'd',
]);

/**
 * Identifies a module across its builds: build folders dropped, extension and variant infixes
 * dropped. "dist/esm/operators/map.js", "src/operators/map.ts" and "dist/types/operators/map.d.ts"
 * all give "operators/map".
 */
export function moduleStem(relativePath: string): string {
  const segments = relativePath.split('/');
  const fileName = segments.pop()!;
  const folders = segments.filter((segment) => !BUILD_SEGMENTS.has(segment.toLowerCase()));
  const parts = fileName.split('.');
  parts.pop(); // extension
  while (parts.length > 1 && VARIANT_PARTS.has(parts[parts.length - 1]!.toLowerCase())) parts.pop();
  return [...folders, parts.join('.')].join('/');
}

/** Paths that name a bundled or minified build outright. */
export function isBundlePath(relativePath: string): boolean {
  return /(^|\/)(umd|bundles?)\//.test(relativePath) || /[.-](min|bundle|umd|iife|production|prod)\.[cm]?js$/.test(relativePath);
}

/**
 * Whether text looks machine-made: most bytes sit in very long lines (minifiers), or it carries a
 * bundler's runtime. Handwritten code rarely has lines over 500 characters.
 */
export function isMinifiedOrBundled(text: string): boolean {
  if (text.length === 0) return false;
  let longLineBytes = 0;
  let lineStart = 0;
  while (lineStart <= text.length) {
    let lineEnd = text.indexOf('\n', lineStart);
    if (lineEnd < 0) lineEnd = text.length;
    if (lineEnd - lineStart > 500) longLineBytes += lineEnd - lineStart;
    lineStart = lineEnd + 1;
  }
  if (longLineBytes / text.length > 0.15) return true;
  return text.includes('__webpack_require__') && text.includes('/******/');
}

/** Rank of a candidate for a module stem: lower wins. Prefer .ts, source folders, short paths. */
export function duplicatePreference(kind: SourceKind, relativePath: string): [number, number, number, string] {
  const kindRank = kind === 'doc' ? 0 : KIND_PREFERENCE.indexOf(kind);
  const inBuildFolder = /(^|\/)(dist|build|lib|out|cjs|esm|umd)\//.test(relativePath) ? 1 : 0;
  return [kindRank, inBuildFolder, relativePath.length, relativePath];
}

/** Compares two duplicatePreference tuples. */
export function comparePreference(a: [number, number, number, string], b: [number, number, number, string]): number {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return (a[i] as number) - (b[i] as number);
  return a[3] < b[3] ? -1 : a[3] > b[3] ? 1 : 0;
}
