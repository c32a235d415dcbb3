import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import sharp from 'sharp';
import { installedModelPack } from '../helpers/model-pack.js';
import { projectRoot, sharedData, tempDir } from '../helpers/paths.js';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `npm run eval -- <args>` the way npm does (tsx), in a child process. */
function runEval(args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(projectRoot, 'src-main', 'cli', 'eval.ts'), ...args], { cwd: projectRoot });
    let stdout = '', stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const lfwSource = join(sharedData, 'lfw', 'images');
const photos: Record<string, number[]> = { Aaron_Peirsol: [1, 2, 3, 4], Abel_Pacheco: [1, 2, 3, 4], Akhmed_Zakayev: [1, 2, 3] };

/** A tiny LFW copy: three real people plus "Nobody", a flat grey picture without a face. */
async function makeLfw(root: string, pairs: string | null): Promise<string> {
  for (const [name, indices] of Object.entries(photos)) {
    mkdirSync(join(root, 'images', name), { recursive: true });
    for (const i of indices) {
      const file = `${name}_${String(i).padStart(4, '0')}.jpg`;
      copyFileSync(join(lfwSource, name, file), join(root, 'images', name, file));
    }
  }
  mkdirSync(join(root, 'images', 'Nobody'), { recursive: true });
  await sharp({ create: { width: 150, height: 150, channels: 3, background: { r: 128, g: 128, b: 128 } } })
    .jpeg()
    .toFile(join(root, 'images', 'Nobody', 'Nobody_0001.jpg'));
  if (pairs !== null) writeFileSync(join(root, 'pairs.txt'), pairs);
  return root;
}

const goodPairs = '2 2\nAaron_Peirsol 1 2\nAbel_Pacheco 1 2\nAaron_Peirsol 3 Abel_Pacheco 3\nAkhmed_Zakayev 1 Nobody 1\n' +
  'Aaron_Peirsol 3 4\nAkhmed_Zakayev 2 3\nAbel_Pacheco 4 Akhmed_Zakayev 2\nAaron_Peirsol 4 Abel_Pacheco 1\n';

const noStackTrace = (run: Run) => assert.doesNotMatch(run.stderr, /^\s+at .+:\d+:\d+\)?$/m, `stack trace in stderr:\n${run.stderr}`);

describe('npm run eval: bad input gives a message and exit code 1', () => {
  const tmp = tempDir('vigil-eval-');
  let withoutPairs: string, badPairs: string, good: string;
  before(async () => {
    withoutPairs = await makeLfw(join(tmp.path, 'no-pairs'), null);
    badPairs = await makeLfw(join(tmp.path, 'bad-pairs'), '2 1\nAaron_Peirsol 1\n');
    good = await makeLfw(join(tmp.path, 'good'), goodPairs);
  });
  after(() => tmp.cleanup());

  const table: Array<{ name: string; args: () => string[]; message: RegExp }> = [
    { name: 'missing LFW folder', args: () => ['lfw', '--lfw', join(tmp.path, 'nowhere')], message: /LFW folder not found: .*nowhere/ },
    { name: 'missing pairs.txt', args: () => ['lfw', '--lfw', withoutPairs], message: /pairs\.txt: it does not exist/ },
    { name: 'malformed pairs.txt', args: () => ['lfw', '--lfw', badPairs], message: /pairs\.txt: line 2: fold 1 expects a matched pair/ },
    { name: 'unknown embedder', args: () => ['lfw', '--embedder', 'nope'], message: /Unknown embedder "nope"/ },
    { name: 'a detector passed as embedder', args: () => ['lfw', '--embedder', 'yunet_s_dynamic'], message: /is a detector, not a embedder/ },
    { name: 'unknown detector', args: () => ['openset', '--detector', 'nope'], message: /Unknown detector "nope"/ },
    { name: 'bad channel order', args: () => ['lfw', '--channel-order', 'GBR'], message: /--channel-order must be/ },
    { name: 'unknown command', args: () => ['lwf'], message: /unknown command "lwf"/ },
    { name: 'unknown option', args: () => ['lfw', '--folds', '3'], message: /Unknown option '--folds'/ },
    { name: 'fold limit below 2', args: () => ['lfw', '--lfw', good, '--limit-folds', '1'], message: /--limit-folds must be a whole number from 2 to 2/ },
    { name: 'more members than LFW people with 4 photos', args: () => ['openset', '--lfw', withoutPairs, '--members', '3'], message: /only 2 people have at least 4 photos/ },
    { name: 'models folder without models', args: () => ['openset', '--lfw', withoutPairs, '--members', '2', '--models', tmp.path], message: /is not installed in/ },
  ];
  for (const row of table) {
    test(row.name, async () => {
      const run = await runEval(row.args());
      assert.equal(run.code, 1, `exit code; stderr: ${run.stderr}`);
      assert.match(run.stderr, row.message);
      noStackTrace(run);
    });
  }

  test('--json also prints the error as JSON on stdout', async () => {
    const run = await runEval(['lfw', '--json', '--embedder', 'nope']);
    assert.equal(run.code, 1);
    const line = JSON.parse(run.stdout.trim()) as { error: { code: string; message: string } };
    assert.equal(line.error.code, 'MODEL_MISSING');
    assert.match(line.error.message, /Unknown embedder "nope"/);
  });
});

describe('npm run eval on a tiny LFW copy (real models)', () => {
  const tmp = tempDir('vigil-eval-');
  let lfw: string, models: string;
  before(async () => {
    lfw = await makeLfw(join(tmp.path, 'lfw'), goodPairs);
    models = await installedModelPack();
  });
  after(() => tmp.cleanup());

  test('lfw --json: one line per embedder variant, the faceless photo counted as no_face', async () => {
    const run = await runEval(['lfw', '--json', '--lfw', lfw, '--models', models, '--embedder', 'mobilefacenet_128', '--channel-order', 'both', '--workers', '1']);
    assert.equal(run.code, 0, run.stderr);
    const lines = run.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.deepEqual(lines.map((l) => [l.model, l.channel_order]), [['mobilefacenet_128', 'RGB'], ['mobilefacenet_128', 'BGR']]);
    for (const line of lines) {
      assert.equal(line.images, 12); // distinct photos in the 8 pairs
      assert.equal(line.pairs, 8);
      assert.equal(line.folds, 2);
      assert.equal(line.no_face, 1);
      for (const key of ['lfw_accuracy', 'lfw_std', 'tar_at_far_1e-3']) {
        assert.ok(typeof line[key] === 'number' && line[key] >= 0 && line[key] <= 1, `${key} = ${String(line[key])}`);
      }
    }
    assert.match(run.stderr, /12\/12 photos embedded/);
  });

  test('openset --json: members, probes and strangers as the split says', async () => {
    const run = await runEval(['openset', '--json', '--lfw', lfw, '--models', models, '--embedder', 'mobilefacenet_128', '--members', '2', '--workers', '1']);
    assert.equal(run.code, 0, run.stderr);
    const line = JSON.parse(run.stdout.trim()) as Record<string, unknown>;
    assert.equal(line.model, 'mobilefacenet_128');
    assert.equal(line.members, 2);
    assert.equal(line.member_probes, 2); // photo 4 of Aaron_Peirsol and of Abel_Pacheco
    assert.equal(line.stranger_probes, 2); // Akhmed_Zakayev_0001 and Nobody_0001
    assert.equal(line.images, 10);
    assert.equal(line.no_face, 1);
    for (const key of ['tpir_at_app_threshold', 'fpir_at_app_threshold']) {
      assert.ok(typeof line[key] === 'number' && line[key] >= 0 && line[key] <= 1, `${key} = ${String(line[key])}`);
    }
  });
});
