import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { defineConfig, externalizeDepsPlugin } from 'electron-vite';
import react from '@vitejs/plugin-react';

// electron-vite asks the installed electron package for its major version (ESM, import.meta
// support). npm skips that optional package where it cannot be installed (Electron 41+ needs
// Node 22.12 to install; CI and the tests run on Node 20), so the version comes from package.json.
if (!process.env.ELECTRON_MAJOR_VER) {
  const manifest = JSON.parse(readFileSync(resolve(__dirname, 'package.json'), 'utf8')) as { optionalDependencies?: Record<string, string> };
  const major = /(\d+)/.exec(manifest.optionalDependencies?.electron ?? '')?.[1];
  if (major) process.env.ELECTRON_MAJOR_VER = major;
}

// The Electron shell bundles three things: the main process (engine + IPC), the
// preload bridge, and the React renderer. The inference worker is a second main
// entry so worker_threads can load it from the built output.
export default defineConfig({
  main: {
    plugins: [externalizeDepsPlugin()],
    build: {
      outDir: 'out/main',
      rollupOptions: {
        input: {
          index: resolve(__dirname, 'src-main/electron/main.ts'),
          'inference-worker': resolve(__dirname, 'src-main/engine/inference/inference-worker.ts'),
        },
      },
    },
  },
  preload: {
    // A sandboxed preload can only require 'electron': bundle zod (used by the contract) into it.
    plugins: [externalizeDepsPlugin({ exclude: ['zod'] })],
    build: {
      outDir: 'out/preload',
      rollupOptions: {
        input: { index: resolve(__dirname, 'src-preload/index.ts') },
        // Sandboxed preloads must be CommonJS.
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: 'src-renderer',
    plugins: [react()],
    build: {
      outDir: 'out/renderer',
      rollupOptions: { input: { index: resolve(__dirname, 'src-renderer/index.html') } },
    },
  },
});
