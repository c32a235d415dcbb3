#!/usr/bin/env node
// `npm start`: builds and opens the Electron console. Where the Electron binary
// could not be installed (offline machines: its download happens at install
// time), explains how to run the same console in a browser instead.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';

const require = createRequire(import.meta.url);
let electronBinary;
try {
  electronBinary = require('electron'); // the package exports the binary's path
} catch {
  electronBinary = null;
}
if (typeof electronBinary !== 'string' || !existsSync(electronBinary)) {
  console.error(
    [
      'The Electron binary is not installed on this machine (npm downloads it at install time,',
      'which needs internet access; set ELECTRON_MIRROR or install on a connected machine to get it).',
      '',
      'Run the same console in a browser instead:',
      '  npm run serve',
      'then open the address it prints (it includes the access token) in Chromium, Chrome or Edge.',
    ].join('\n'),
  );
  process.exit(1);
}
const child = spawn(process.execPath, [new URL('../node_modules/electron-vite/bin/electron-vite.js', import.meta.url).pathname, 'preview'], {
  stdio: 'inherit',
});
child.on('exit', (code) => process.exit(code ?? 0));
