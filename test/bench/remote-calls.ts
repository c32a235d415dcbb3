/**
 * How many calls a site makes to Rekognition in hybrid mode: a 1-minute replay on 4 cameras
 * (the Hamilton clip looped to 60 s, each camera starting at another point of it), processed by
 * the real pipeline and models, against the fake Rekognition on 127.0.0.1 (an empty collection
 * but for nobody: every asked visit is answered "no one", so nothing is renamed and the counts
 * are what an unknown-heavy site sends). Lin-Manuel Miranda is enrolled locally from two stills,
 * so his visits are named locally and not asked about.
 *
 * Prints the requests the fake received (per-track cache on: the app as built) beside what a
 * per-frame integration would have sent (one request per analysed frame of each face the local
 * gallery left unknown) and a per-embedding one (one per embedded view of such a face).
 *
 * Run: npm run bench:remote  (figures only; nothing is asserted)
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { LOCAL_OPERATOR } from '../../src-main/engine/api/dispatcher.js';
import { Engine } from '../../src-main/engine/engine.js';
import { resolveFfmpegPath } from '../../src-main/engine/video/ffmpeg-path.js';
import { runVideo } from '../../src-main/cli/process-video.js';
import { mirandaStillsFromClip } from '../helpers/enroll.js';
import { startFakeRekognition } from '../helpers/fake-rekognition.js';
import { installedModelPack } from '../helpers/model-pack.js';
import { hamiltonClip, tempDir } from '../helpers/paths.js';

const CAMERAS = 4;
const SECONDS = 60;
const DETECT_FPS = 10;

const dir = tempDir('vigil-bench-remote-');
const fake = await startFakeRekognition({ collections: ['bench'] });
try {
  const videos = Array.from({ length: CAMERAS }, (_, i) => {
    const out = join(dir.path, `camera-${i + 1}.mp4`);
    const offset = ((10 / CAMERAS) * i).toFixed(2);
    const made = spawnSync(resolveFfmpegPath(), ['-hide_banner', '-loglevel', 'error', '-y', '-stream_loop', '-1', '-ss', offset, '-i', hamiltonClip, '-t', String(SECONDS), '-an', '-c:v', 'libx264', '-preset', 'ultrafast', '-crf', '20', out], { encoding: 'utf8' });
    if (made.status !== 0) throw new Error(`ffmpeg could not make the replay: ${made.stderr}`);
    return out;
  });
  const engine = await Engine.open({
    dataDir: join(dir.path, 'data'),
    modelsDir: await installedModelPack(),
    matcher: { mode: 'hybrid', region: 'eu-west-1', collectionId: 'bench', endpoint: fake.url },
    remoteMatcherOptions: { credentials: { accessKeyId: 'AKIDVIGILBENCH', secretAccessKey: 'not-a-secret' } },
  });
  try {
    const enrolled = await engine.peopleService.enroll(
      {
        record: { name: 'Lin-Manuel Miranda', employeeCode: null, department: null, category: 'employee', notes: null },
        consent: { textVersion: engine.consentTextVersion },
        photos: mirandaStillsFromClip(dir.path).map((file) => ({ fileName: basename(file), bytes: readFileSync(file) })),
      },
      { allowFewerPhotos: true },
      LOCAL_OPERATOR,
    );
    if (!enrolled.person) throw new Error('Miranda could not be enrolled');
    await engine.remoteSync!.idle();
    const sentBefore = fake.requests.length;
    const indexCalls = fake.requests.filter((r) => r.operation === 'IndexFaces').length;
    let perFrame = 0;
    let perView = 0;
    let visits = 0;
    let remoteAsks = 0;
    let frames = 0;
    const startedAt = performance.now();
    for (const video of videos) {
      const run = await runVideo(engine, video, {
        unthrottled: false,
        realtime: false,
        fps: DETECT_FPS,
        onAnalysed: (frame) => {
          for (const face of frame.faces) {
            if (!face.confirmed || face.visitId === null || face.status !== 'unknown') continue;
            perFrame++;
            if (face.view) perView++;
          }
        },
      });
      visits += run.sightings.length;
      remoteAsks += run.stats.remoteAsks;
      frames += run.stats.framesProcessed;
    }
    const searches = fake.requests.slice(sentBefore).filter((r) => r.operation === 'SearchFacesByImage').length;
    const stats = engine.matcherHealth();
    console.log(`Remote calls, hybrid mode, ${CAMERAS} cameras x ${SECONDS} s replay at ${DETECT_FPS} detections/s (${frames} frames analysed, ${visits} visits written, ${((performance.now() - startedAt) / 1000).toFixed(0)} s to process):`);
    console.log(`  enrollment (IndexFaces, 2 crops):               ${indexCalls}`);
    console.log(`  SearchFacesByImage, per-track cache (as built): ${searches}  (pipeline asks ${remoteAsks}; matcher cache hits ${stats.cacheHits}, throttled ${stats.throttled}, retries ${stats.retries})`);
    console.log(`  without the cache, one call per embedded view:  ${perView}`);
    console.log(`  without the cache, one call per analysed frame: ${perFrame}`);
    console.log(`  rekognition mode would ask every visit once:    ~${visits} (derived from the visits written, not measured)`);
    console.log(`  per camera-hour (hybrid, as built):             ~${Math.round((searches / CAMERAS) * (3600 / SECONDS))}`);
  } finally {
    await engine.close();
  }
} finally {
  await fake.stop();
  dir.cleanup();
}
