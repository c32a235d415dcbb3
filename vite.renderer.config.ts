import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const root = fileURLToPath(new URL('.', import.meta.url));

// Builds only the renderer, for the browser/headless host (`npm run serve`),
// where the Electron binary is not needed.
export default defineConfig({
  root: resolve(root, 'src-renderer'),
  base: './',
  plugins: [react()],
  build: {
    outDir: resolve(root, 'out/renderer'),
    emptyOutDir: true,
  },
});
