import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'release/**', 'node_modules/**', '.scratch/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.{ts,tsx,js,mjs}'],
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-restricted-imports': 'off',
    },
  },
  {
    // Runtime boundaries: the engine never imports Electron (it must run in plain Node).
    files: ['src-main/engine/**/*.ts', 'src-main/cli/**/*.ts', 'src-main/server/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'electron', message: 'The engine runs in plain Node: keep Electron in src-main/electron/.' }] }],
    },
  },
  {
    // Pure parts: no I/O at all, so they can be tested with tables of cases.
    files: [
      'src-main/engine/tracking/**/*.ts',
      'src-main/engine/matching/match-decision.ts',
      'src-main/engine/live/visit-evidence.ts',
      'src-main/engine/live/camera-visits.ts',
      'src-main/engine/live/frame-clock.ts',
      'src-main/engine/live/embed-policy.ts',
      'src-main/engine/vision/scene-change.ts',
      'src-main/engine/vision/geometry.ts',
      'src-main/engine/vision/face-quality.ts',
      'src-main/engine/inference/yunet-decoder.ts',
      'src-main/engine/inference/tensor.ts',
      'src-main/engine/video/ffmpeg-args.ts',
      'src-main/engine/unknowns/clustering.ts',
      'src-main/engine/alerts/alert-rules.ts',
      'src-main/engine/evaluation/walkthrough/scene-plan.ts',
      'src-main/engine/evaluation/walkthrough/sprites.ts',
      'src-main/engine/evaluation/walkthrough/metrics.ts',
      'src-main/engine/remote/token-bucket.ts',
      'src-main/engine/remote/retry-policy.ts',
      'src-main/engine/remote/identity-cache.ts',
      'src-main/engine/remote/bounded-queue.ts',
      'src-main/engine/remote/matcher-mode.ts',
      'src-main/engine/remote/matcher-config.ts',
      'src-main/engine/remote/remote-errors.ts',
    ],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['node:*', 'fs', 'child_process', 'net', 'http', 'worker_threads', 'electron', 'better-sqlite3', 'onnxruntime-node', 'hnswlib-node', 'sharp', 'ws'], message: 'Pure module: no I/O imports.' },
          ],
        },
      ],
    },
  },
  {
    files: ['src-renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': ['error', { paths: [{ name: 'electron', message: 'The renderer talks to the engine only through the contract API.' }] }],
    },
  },
);
