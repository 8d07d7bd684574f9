#!/usr/bin/env node
// The `mnemo` command (package.json "bin"). Runs the bundled CLI (dist/cli.js) when a build made
// one, else the TypeScript sources through tsx, which `npm install` brings in a fresh clone.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const bundled = path.join(root, 'dist', 'cli.js');
const source = path.join(root, 'src', 'cli', 'main.ts');

function fromSource() {
  try {
    require(require.resolve('tsx/cjs/api', { paths: [root] })).register();
  } catch (error) {
    process.stderr.write(`mnemo: cannot run from source: ${error.message}\nRun \`npm install\` in ${root} first.\n`);
    process.exit(1);
  }
  return require(source);
}

// Sources win when they are newer than the bundle, so a stale build never hides an edit.
const useBundle = fs.existsSync(bundled) && (!fs.existsSync(source) || fs.statSync(bundled).mtimeMs >= fs.statSync(source).mtimeMs);
(useBundle ? require(bundled) : fromSource()).main();
