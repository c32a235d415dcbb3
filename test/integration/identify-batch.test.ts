/**
 * `identify` with many paths in one call, as scripts do. With ~390 or more
 * paths the process died with SIGSEGV before the first image: ONNX Runtime
 * 1.30's own telemetry (built into its Linux library) reads /proc/self/cmdline
 * while it sets up, and matches it with a std::regex whose backtracking recurses
 * once per character, so a command line over ~30 KB overflowed the 8 MB main
 * thread stack (a 4 MB worker thread overflowed at ~15 KB). Vigil turns that
 * telemetry off before any ONNX Runtime session exists, and identify runs the
 * models in the inference worker pool, as live cameras do.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runCli } from '../helpers/cli.js';
import { installedModelPack } from '../helpers/model-pack.js';
import { faceRecognitionData as photos, projectRoot, sharedData, tempDir } from '../helpers/paths.js';

const dir = tempDir();
after(() => dir.cleanup());
let models = '';
const db = () => join(dir.path, 'vigil.db');

before(async () => {
  models = await installedModelPack();
  const people = join(dir.path, 'people');
  for (const [person, files] of Object.entries({
    'Barack Obama': ['examples_obama.jpg', 'examples_knn_examples_train_obama_obama2.jpg'],
    'Joe Biden': ['examples_biden.jpg', 'examples_knn_examples_train_biden_biden.jpg'],
  })) {
    mkdirSync(join(people, person), { recursive: true });
    for (const f of files) copyFileSync(join(photos, f), join(people, person, f));
  }
  const enrolled = await runCli('main', ['enroll-dir', people, '--db', db(), '--models', models, '--json']);
  assert.equal(enrolled.code, 0, enrolled.stderr);
});

/** Small LFW photos (250×250, cheap to decode) of people nobody enrolled, by absolute path (long, as scripts pass them). */
function strangerPhotos(count: number): string[] {
  const root = join(sharedData, 'lfw', 'images');
  const found: string[] = [];
  for (const person of readdirSync(root).sort()) {
    if (person.includes('Obama') || person.includes('Biden')) continue;
    for (const file of readdirSync(join(root, person)).sort()) {
      found.push(join(root, person, file));
      if (found.length === count) return found;
    }
  }
  return found;
}

describe('identify: a thousand paths in one call', () => {
  test('1,000 paths: one line per path, in order, each the same answer as its first occurrence', async () => {
    const obama = join(photos, 'tests_test_images_obama2.jpg');
    const biden = join(photos, 'tests_test_images_biden.jpg');
    const missing = join(dir.path, 'no-such-photo.jpg');
    const distinct = [obama, biden, missing, ...strangerPhotos(37)];
    const paths = Array.from({ length: 1000 }, (_, i) => distinct[i % distinct.length]!);
    // The old code died once the command line passed ~30 KB; this one is far over that.
    assert.ok(paths.join(' ').length > 60_000, 'the command line is long enough to have crashed before');

    const result = await runCli('main', ['identify', ...paths, '--db', db(), '--models', models, '--json']);
    assert.equal(result.signal ?? null, null, `identify was killed by ${result.signal}: ${result.stderr.slice(-500)}`);
    assert.equal(result.code, 0, result.stderr.slice(-2000));
    assert.equal(result.lines.length, 1000);
    type Line = { image: string; faces?: Array<{ match: { personName: string } | null; bbox: unknown }>; error?: string };
    const lines = result.lines as Line[];
    lines.forEach((line, i) => assert.equal(line.image, paths[i], `line ${i} is for its own path, in order`));
    const firstAnswer = new Map<string, string>();
    for (const line of lines) {
      const answer = JSON.stringify(line.error ?? line.faces!.map((f) => [f.match?.personName ?? null, f.bbox]));
      const first = firstAnswer.get(line.image);
      if (first === undefined) firstAnswer.set(line.image, answer);
      else assert.equal(answer, first, `the same photo gives the same answer every time (${line.image})`);
    }
    const linesOf = (path: string) => lines.filter((l) => l.image === path);
    assert.equal(linesOf(obama).length, 25);
    for (const line of linesOf(obama)) assert.deepEqual(line.faces!.map((f) => f.match?.personName), ['Barack Obama']);
    for (const line of linesOf(biden)) assert.deepEqual(line.faces!.map((f) => f.match?.personName), ['Joe Biden']);
    for (const line of linesOf(missing)) assert.match(line.error!, /ENOENT/);
    const strangers = lines.filter((l) => l.image.includes('/lfw/'));
    assert.ok(strangers.every((l) => l.faces!.every((f) => f.match === null)), 'no stranger is named');
    assert.ok(strangers.filter((l) => l.faces!.length > 0).length > strangers.length * 0.9, 'faces are found in the LFW photos');
  });

  for (const order of ['main-first', 'worker-first'] as const) {
    test(`models load on the main thread and in an inference worker of a process whose command line is 200 KB (${order})`, async () => {
      // Straight at the cause: whichever thread creates the first ONNX Runtime session sets the runtime up.
      const script = join(projectRoot, 'test', 'fixtures', 'load-models.ts');
      const filler = Array.from({ length: 2000 }, (_, i) => `/a/long/argument/standing/in/for/a/photo/path/number-${String(i).padStart(6, '0')}.jpg`);
      const child = spawn(process.execPath, ['--import', 'tsx', script, models, dir.path, order, ...filler], { cwd: projectRoot });
      let stdout = '', stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((r) => child.on('close', (c, s) => r([c, s])));
      assert.equal(signal, null, `killed by ${signal}: ${stderr.slice(-500)}`);
      assert.equal(code, 0, stderr);
      assert.deepEqual(JSON.parse(stdout.trim()), { mainThreadFaces: 1, workerFaces: 1 });
    });
  }
});
