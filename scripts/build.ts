// Bundles the extension with esbuild: src/vscode/extension.ts -> dist/extension.js (CommonJS, Node),
// the service's worker thread src/service/worker.ts -> dist/worker.js (the launcher looks for it beside
// the bundle), and the webview front ends media/*.ts -> dist/webview/*.js (browser, IIFE).
// `vscode` is provided by the editor; onnxruntime-node stays external because it loads a native
// addon from its own folder, so it ships as node_modules/onnxruntime-node inside the .vsix.
// With --tests it also bundles the integration tests (test/integration/*.ts -> out/test/integration/),
// which run inside the extension host.
//
// usage: node --import tsx scripts/build.ts [--tests] [--minify]
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import * as path from 'node:path';

const repoRoot = path.resolve(__dirname, '..');
const args = new Set(process.argv.slice(2));

const common: esbuild.BuildOptions = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: 'linked',
  logLevel: 'warning',
  absWorkingDir: repoRoot,
};

export const EXTENSION_EXTERNALS = ['vscode', 'onnxruntime-node'];

export async function buildExtension(): Promise<void> {
  await esbuild.build({
    ...common,
    entryPoints: ['src/vscode/extension.ts'],
    outfile: 'dist/extension.js',
    external: [...EXTENSION_EXTERNALS, 'tsx/cjs/api'],
    minify: args.has('--minify'),
  });
  await esbuild.build({
    ...common,
    entryPoints: ['src/service/worker.ts'],
    outfile: 'dist/worker.js',
    // tsx is only reached when a worker is started from source (tests), never from the bundle.
    external: [...EXTENSION_EXTERNALS, 'tsx/cjs/api'],
    minify: args.has('--minify'),
  });
  await esbuild.build({
    ...common,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    entryPoints: WEBVIEW_ENTRIES,
    outdir: 'dist/webview',
    minify: args.has('--minify'),
  });
}

/** The webview front ends, each its own script (the chat view and the inspector panel). */
export const WEBVIEW_ENTRIES = ['media/chat.ts', 'media/inspector.ts'];

async function buildIntegrationTests(): Promise<void> {
  const dir = path.join(repoRoot, 'test', 'integration');
  const entryPoints = fs
    .readdirSync(dir)
    .filter(f => f.endsWith('.ts'))
    .map(f => path.join('test', 'integration', f));
  fs.rmSync(path.join(repoRoot, 'out', 'test', 'integration'), { recursive: true, force: true });
  await esbuild.build({
    ...common,
    entryPoints,
    outdir: 'out/test/integration',
    // mocha stays one shared instance (index.js and the test files must see the same one).
    external: [...EXTENSION_EXTERNALS, 'mocha', 'tsx/cjs/api'],
  });
}

async function main(): Promise<void> {
  const started = Date.now();
  await buildExtension();
  if (args.has('--tests')) await buildIntegrationTests();
  console.log(
    `[build] dist/extension.js, dist/worker.js, dist/webview${args.has('--tests') ? ' + out/test/integration' : ''} in ${Date.now() - started} ms`,
  );
}

if (require.main === module) {
  main().catch(e => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}
