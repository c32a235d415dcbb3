import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { projectRoot } from '../helpers/paths.js';

/**
 * The evaluation protocol modules must stay pure (no I/O), like the modules
 * eslint guards in eslint.config.js: they may only import each other and the
 * app's pure geometry and match-decision modules.
 */
const dir = join(projectRoot, 'src-main', 'engine', 'evaluation');
const pureModules = ['lfw-pairs.ts', 'verification.ts', 'open-set.ts', 'face-choice.ts', 'protocols.ts'];
const allowed = new Set([
  './lfw-pairs.js',
  './verification.js',
  './open-set.js',
  './face-choice.js',
  '../matching/match-decision.js',
  '../vision/geometry.js',
]);

describe('evaluation protocol modules are pure', () => {
  for (const file of pureModules) {
    test(file, () => {
      const source = readFileSync(join(dir, file), 'utf8');
      const specifiers = [...source.matchAll(/\bfrom\s+'([^']+)'|\bimport\s*\(\s*'([^']+)'\s*\)|^\s*import\s+'([^']+)'/gm)].map((m) => m[1] ?? m[2] ?? m[3]);
      for (const specifier of specifiers) assert.ok(allowed.has(specifier!), `${file} imports ${specifier}`);
      assert.doesNotMatch(source, /\b(process|require)\s*[.(]/, `${file} touches process or require`);
    });
  }
});
