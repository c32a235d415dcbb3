/**
 * `npm run bench -- wall [--cameras N] [--seconds S] [--layout auto|2x2|...] [--json]`: the guard's wall for real. The headless
 * host runs N cameras (by default the mix: the Hamilton clip, vtest.avi and a 720p H.264 file,
 * in turn; `--sources hamilton` for the Hamilton clip alone), looped, read at their own rate; first alone (analysis only),
 * then with Debian's Chromium showing the Live wall (video + overlay for every camera).
 * Prints {"cameras","layout","tiles_shown","analysed_fps_min","analysed_fps_max","analysed_frames_dropped","analysed_fps_alone_min","analysed_fps_alone_max","host_cores_alone","main_thread_cores_alone","sources","displayed_fps_min","displayed_ratio_min","overlay_draw_fps_min",
 * "browser_dropped_frames","live_edge_jumps","overlay_lag_ms_p95",
 * "overlay_box_age_ms_p95","overlay_interpolated_percent","overlay_predicted_percent","overlay_ahead_percent","host_cores","main_thread_cores","browser_cores","latency_ms_p95",
 * "plain_video_browser_cores","plain_video_ratio_min","plain_video_analysed_fps_min",
 * "media_source_browser_cores","media_source_ratio_min","media_source_analysed_fps_min"}. Reports only: nothing here asserts.
 *
 * The last phases are the browser's floors on this machine (see bench-wall-floor.ts): the same
 * Chromium, viewport and number of tiles with none of the console, while the host goes on
 * analysing: looped `<video src>` elements playing the same files (plain), then bare Media Source
 * players fed over WebSockets as the host feeds the wall. `browser_cores` minus
 * `media_source_browser_cores` is what the wall itself costs; the rest is Chromium receiving,
 * decoding and compositing video in software (no GPU here).
 */
import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { startServer } from '../server/server.js';
import { defaultModelsDir, projectRoot } from '../engine/paths.js';
import { lowerPriority } from '../engine/util/display-priority.js';
import { DISPLAY_DEFAULT_FRAGMENT_MS } from '../engine/video/ffmpeg-args.js';
import { resolveFfmpegPath } from '../engine/video/ffmpeg-path.js';
import { mediaSourceFloor, plainVideoFloor } from './bench-wall-floor.js';

/** Tiles on one page of each fixed layout (the renderer's wall-layout.ts; 'auto' shows every camera). */
export const TILES_PER_PAGE = { '1x1': 1, '2x2': 4, '3x3': 9, '4x4': 16, '1+5': 6, '1+7': 8 } as const;
export type WallLayoutId = keyof typeof TILES_PER_PAGE | 'auto';

const log = (message: string) => process.stderr.write(`bench wall: ${message}\n`);
const CLOCK_TICKS = 100; // USER_HZ on Linux

interface ProcessTable {
  children: Map<number, number[]>;
  cpuSeconds: Map<number, number>;
}

/** Every process's parent and CPU seconds (user+system), from /proc. */
function readProcessTable(): ProcessTable {
  const children = new Map<number, number[]>();
  const cpuSeconds = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const ppid = Number(fields[1]);
      cpuSeconds.set(Number(entry), (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // the process ended meanwhile
    }
  }
  return { children, cpuSeconds };
}

/**
 * The descendants of rootPid, each marked as Chromium's or not: Chromium is started by this
 * process, so its subtrees are the browser and the rest (node, workers, ffmpeg) the host.
 */
function descendants(rootPid: number, table: ProcessTable): Array<{ pid: number; browser: boolean }> {
  const isBrowser = (pid: number) => {
    try {
      return /chrom/i.test(readFileSync(`/proc/${pid}/comm`, 'utf8'));
    } catch {
      return false;
    }
  };
  const out: Array<{ pid: number; browser: boolean }> = [];
  const stack: Array<[number, boolean]> = [[rootPid, false]];
  while (stack.length > 0) {
    const [pid, inBrowser] = stack.pop()!;
    const browser = inBrowser || (pid !== rootPid && isBrowser(pid));
    out.push({ pid, browser });
    for (const child of table.children.get(pid) ?? []) stack.push([child, browser]);
  }
  return out;
}

/** CPU seconds of a process and all its descendants; `browser`: only the Chromium subtrees, else all but them. */
function treeCpuSeconds(rootPid: number, part: 'host' | 'browser'): number {
  const table = readProcessTable();
  return descendants(rootPid, table)
    .filter((p) => (part === 'browser') === p.browser)
    .reduce((total, p) => total + (table.cpuSeconds.get(p.pid) ?? 0), 0);
}

/** Pids of the Chromium processes started by this process. */
function browserPids(rootPid: number): number[] {
  return descendants(rootPid, readProcessTable())
    .filter((p) => p.browser)
    .map((p) => p.pid);
}

/** CPU seconds of one thread of this process (the main thread's id is the process id). */
function threadCpuSeconds(tid: number): number {
  try {
    const stat = readFileSync(`/proc/${process.pid}/task/${tid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return 0;
  }
}

function percentile(samples: number[], p: number): number | null {
  if (samples.length === 0) return null;
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(sorted.length * p) - 1))]!;
}
const round = (v: number | null, digits = 1) => (v === null ? null : Math.round(v * 10 ** digits) / 10 ** digits);

/** One kind of camera in the bench. */
export interface WallSource {
  /** Shown in the output, e.g. "short_hamilton_clip.mp4 640x360 H.264". */
  label: string;
  /** The file the camera reads. */
  cameraFile: string;
  /** H.264 the browser can play as it gets it from the host (the camera file when it is H.264; else the host's display encoding of it), for the floor page. */
  displayFile: string;
  /** The file's own frame rate: a tile's displayed rate is judged against it. */
  fps: number;
}

export async function benchWall(options: {
  cameras: number;
  seconds: number;
  /** Camera i reads sources[i % sources.length]. */
  sources: readonly WallSource[];
  chromiumPath?: string;
  /** Niceness given to every thread of Chromium's processes (to measure what lowering the display's priority does); default 0. */
  browserNiceness?: number;
  /** The wall's layout (the Live tab's choice: auto, 1x1, 2x2, 3x3, 4x4, 1+5, 1+7); default auto (every camera shown). Only the tiles shown are measured for display. */
  layout?: WallLayoutId;
}): Promise<Record<string, unknown>> {
  const layout = options.layout ?? 'auto';
  const tilesShown = layout === 'auto' ? options.cameras : Math.min(options.cameras, TILES_PER_PAGE[layout]);
  const browserNiceness = options.browserNiceness ?? 0;
  const dir = mkdtempSync(join(tmpdir(), 'vigil-bench-wall-'));
  const chromiumPath = options.chromiumPath ?? process.env.VIGIL_CHROMIUM ?? '/usr/bin/chromium';
  try {
    log('building the renderer');
    const staticDir = join(dir, 'renderer');
    const build = spawnSync(process.execPath, [join(projectRoot, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'vite.renderer.config.ts', '--outDir', staticDir, '--emptyOutDir', '--logLevel', 'error'], {
      cwd: projectRoot,
      encoding: 'utf8',
    });
    if (build.status !== 0) throw new Error(`renderer build failed: ${build.stderr}`);
    const server = await startServer({ dataDir: join(dir, 'data'), modelsDir: defaultModelsDir(), staticDir });
    // The console opens only for a signed-in operator: one for this throwaway data folder.
    const operator = { name: 'bench', password: randomBytes(12).toString('base64url') };
    await server.engine.operators.add({ name: operator.name, displayName: 'Wall bench', role: 'security', password: operator.password }, 'bench wall');
    try {
      const ids: number[] = [];
      for (let i = 0; i < options.cameras; i++) {
        ids.push((await server.live.addCamera(`Camera ${i + 1}`, { kind: 'file', path: options.sources[i % options.sources.length]!.cameraFile, loop: true }, undefined, true)).id);
      }
      // Analysed rate over a whole measured window (frames processed per second, per camera), not a
      // last-5-s snapshot: one snapshot of six cameras swings by a frame per second either way.
      const processedCounts = () => ids.map((id) => server.live.pipelineStats(id)?.framesProcessed ?? 0);
      const droppedCounts = () => ids.map((id) => server.live.pipelineStats(id)?.framesDropped ?? 0);
      const ratesSince = (start: number[], elapsedS: number) => processedCounts().map((n, i) => (n - (start[i] ?? 0)) / elapsedS);
      // Phase 1: analysis alone (nobody watching).
      log(`${options.cameras} cameras, analysis alone for ${options.seconds} s`);
      // The first third is start-up; the host's CPU is measured over the rest.
      await new Promise((r) => setTimeout(r, (options.seconds * 1000) / 3));
      const aloneProcessedStart = processedCounts();
      const aloneCpuStart = treeCpuSeconds(process.pid, 'host');
      const aloneMainStart = threadCpuSeconds(process.pid);
      const aloneStartedAt = Date.now();
      await new Promise((r) => setTimeout(r, (options.seconds * 2000) / 3));
      const aloneElapsedS = (Date.now() - aloneStartedAt) / 1000;
      const hostCoresAlone = (treeCpuSeconds(process.pid, 'host') - aloneCpuStart) / aloneElapsedS;
      const mainThreadCoresAlone = (threadCpuSeconds(process.pid) - aloneMainStart) / aloneElapsedS;
      const aloneRates = ratesSince(aloneProcessedStart, aloneElapsedS);
      const aloneMin = Math.min(...aloneRates);
      const aloneMax = Math.max(...aloneRates);

      // Phase 2: the wall in Chromium.
      if (!existsSync(chromiumPath)) throw new Error(`Chromium not found at ${chromiumPath}`);
      const browser = await chromium.launch({ executablePath: chromiumPath, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
      try {
        const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
        await page.goto(server.url);
        const signIn = page.getByTestId('sign-in-form');
        await signIn.getByLabel('Sign-in name').fill(operator.name);
        await signIn.getByLabel('Password').fill(operator.password);
        await signIn.getByRole('button', { name: 'Sign in' }).click();
        await page.getByRole('tab', { name: /^Live/ }).click();
        if (layout !== 'auto') await page.getByTestId('wall-layout').selectOption(layout);
        await page.waitForFunction(
          (n) => {
            const doc = (globalThis as unknown as { document: { querySelectorAll(s: string): Array<{ getAttribute(n: string): string | null }> } }).document;
            const surfaces = Array.from(doc.querySelectorAll('[data-testid^="video-surface-"]'));
            return surfaces.length === n && surfaces.every((s) => Number(s.getAttribute('data-displayed-frames') ?? '0') > 10);
          },
          tilesShown,
          { timeout: 120_000 },
        );
        // As the desktop app does to its window's processes (all of them exist once the tiles play).
        if (browserNiceness !== 0) lowerPriority(browserPids(process.pid), browserNiceness);
        log(`wall showing; measuring for ${options.seconds} s (browser niceness ${browserNiceness})`);
        const read = () =>
          page.evaluate(() => {
            const doc = (globalThis as unknown as { document: { querySelectorAll(s: string): Array<{ getAttribute(n: string): string | null }> } }).document;
            return Array.from(doc.querySelectorAll('[data-testid^="video-surface-"]')).map((s) => ({
              cameraId: Number((s.getAttribute('data-testid') ?? '').slice('video-surface-'.length)),
              frames: Number(s.getAttribute('data-displayed-frames') ?? '0'),
              draws: Number(s.getAttribute('data-overlay-draws') ?? '0'),
              dropped: Number(s.getAttribute('data-dropped-frames') ?? '0'),
              jumps: Number(s.getAttribute('data-live-edge-jumps') ?? '0'),
            }));
          });
        // The boxes' age is sampled in the page (every 200 ms, into an array read once at the end):
        // polling over the DevTools protocol that often would itself cost the browser CPU this bench measures.
        await page.evaluate(() => {
          const g = globalThis as unknown as {
            vigilOverlaySamples: Array<{ lag: number | null; interpolated: boolean | null; predicted: boolean; ahead: boolean }>;
            setInterval(f: () => void, ms: number): unknown;
            document: { querySelectorAll(s: string): Array<{ getAttribute(n: string): string | null }> };
          };
          g.vigilOverlaySamples = [];
          g.setInterval(() => {
            for (const s of Array.from(g.document.querySelectorAll('[data-testid^="video-surface-"]'))) {
              const faces = s.getAttribute('data-overlay-faces') !== '0';
              g.vigilOverlaySamples.push({
                lag: faces ? Number(s.getAttribute('data-overlay-lag-ms')) : null,
                interpolated: faces ? s.getAttribute('data-overlay-interpolated') === '1' : null,
                predicted: faces && s.getAttribute('data-overlay-predicted') === '1',
                ahead: faces && s.getAttribute('data-overlay-ahead') === '1',
              });
            }
          }, 200);
        });
        const startFrames = await read();
        const processedStart = processedCounts();
        const droppedStart = droppedCounts();
        const hostStart = treeCpuSeconds(process.pid, 'host');
        const mainStart = threadCpuSeconds(process.pid);
        const browserStart = treeCpuSeconds(process.pid, 'browser');
        const startedAt = Date.now();
        const lags: number[] = [];
        /** Age of the drawn boxes: 0 when placed for the displayed frame's own time (its analysed frame, or between two), else the held frame's lag. */
        const boxAges: number[] = [];
        let interpolatedSamples = 0, predictedSamples = 0, aheadSamples = 0, faceSamples = 0;
        await new Promise((r) => setTimeout(r, options.seconds * 1000));
        const samples = await page.evaluate(() => (globalThis as unknown as { vigilOverlaySamples: Array<{ lag: number | null; interpolated: boolean | null; predicted: boolean; ahead: boolean }> }).vigilOverlaySamples);
        for (const s of samples) {
          if (s.lag !== null && Number.isFinite(s.lag)) {
            lags.push(s.lag);
            boxAges.push(s.interpolated ? 0 : s.lag);
          }
          if (s.interpolated !== null) {
            faceSamples++;
            if (s.interpolated) interpolatedSamples++;
            if (s.predicted) predictedSamples++;
            if (s.ahead) aheadSamples++;
          }
        }
        const elapsedS = (Date.now() - startedAt) / 1000;
        const analysedRates = ratesSince(processedStart, elapsedS);
        const analysedDropped = droppedCounts().reduce((sum, n, i) => sum + n - (droppedStart[i] ?? 0), 0);
        const endFrames = await read();
        const hostCores = (treeCpuSeconds(process.pid, 'host') - hostStart) / elapsedS;
        const mainThreadCores = (threadCpuSeconds(process.pid) - mainStart) / elapsedS;
        const browserCores = (treeCpuSeconds(process.pid, 'browser') - browserStart) / elapsedS;
        const displayedFps = endFrames.map((s, i) => (s.frames - (startFrames[i]?.frames ?? 0)) / elapsedS);
        // Each tile against its own source's rate (the sources differ: 29.97, 25, 10 fps).
        const sourceOf = (cameraId: number) => options.sources[Math.max(0, ids.indexOf(cameraId)) % options.sources.length]!;
        const displayedRatio = endFrames.map((s, i) => displayedFps[i]! / sourceOf(s.cameraId).fps);
        const overlayDrawFps = endFrames.map((s, i) => (s.draws - (startFrames[i]?.draws ?? 0)) / elapsedS);
        // Why frames were not shown: dropped by the browser (CPU) or skipped by jumps to the live edge (late delivery).
        const droppedFrames = endFrames.reduce((sum, s, i) => sum + Math.max(0, s.dropped - (startFrames[i]?.dropped ?? 0)), 0);
        const liveEdgeJumps = endFrames.reduce((sum, s, i) => sum + Math.max(0, s.jumps - (startFrames[i]?.jumps ?? 0)), 0);
        const latencies = ids.flatMap((id) => server.live.pipelineStats(id)?.latencyMs.slice(-100) ?? []);
        await page.close();
        const floorOptions = {
          browser,
          files: options.sources.map((source) => source.displayFile),
          fps: options.sources.map((source) => source.fps),
          count: tilesShown,
          seconds: options.seconds,
          browserCpuSeconds: () => treeCpuSeconds(process.pid, 'browser'),
          analysedCounts: processedCounts,
        };
        log(`the browser's floor: ${tilesShown} plain <video> tiles of the same files for ${options.seconds} s`);
        const floor = await plainVideoFloor(floorOptions);
        log(`the Media Source floor: ${tilesShown} bare Media Source players fed over WebSockets for ${options.seconds} s`);
        const mediaSource = await mediaSourceFloor({ ...floorOptions, ffmpegPath: resolveFfmpegPath(), fragmentDurationMs: DISPLAY_DEFAULT_FRAGMENT_MS });
        return {
          cameras: options.cameras,
          layout,
          tiles_shown: tilesShown,
          analysed_fps_min: round(Math.min(...analysedRates)),
          // The spread shows whether an overloaded host shares analysis out fairly between cameras.
          analysed_fps_max: round(Math.max(...analysedRates)),
          // Frames the analysis dropped while the wall was open (all cameras): it was behind.
          analysed_frames_dropped: analysedDropped,
          analysed_fps_alone_min: round(aloneMin),
          analysed_fps_alone_max: round(aloneMax),
          host_cores_alone: round(hostCoresAlone, 2),
          // The engine's main thread (frames in, tracking, visits, events, video out): past ~0.9 it is the limit, not the cores.
          main_thread_cores_alone: round(mainThreadCoresAlone, 2),
          sources: options.sources.map((source) => `${source.label} ${round(source.fps, 2)} fps`),
          displayed_fps_min: round(Math.min(...displayedFps)),
          // Target: every tile at least 0.9x its source's frame rate.
          displayed_ratio_min: round(Math.min(...displayedRatio), 2),
          overlay_draw_fps_min: round(Math.min(...overlayDrawFps)),
          browser_dropped_frames: droppedFrames,
          live_edge_jumps: liveEdgeJumps,
          overlay_lag_ms_p95: round(percentile(lags, 0.95), 0),
          // Boxes placed between the analysed frames before and after the displayed one (for its own time), not held from an older frame.
          overlay_box_age_ms_p95: round(percentile(boxAges, 0.95), 0),
          overlay_interpolated_percent: faceSamples > 0 ? round((100 * interpolatedSamples) / faceSamples, 1) : null,
          // Video ahead of the analysis: boxes moved on along their motion (their age still counts the held frame's).
          overlay_predicted_percent: faceSamples > 0 ? round((100 * predictedSamples) / faceSamples, 1) : null,
          // The displayed frame newer than the newest analysed one (boxes held or predicted): the video did not wait long enough.
          overlay_ahead_percent: faceSamples > 0 ? round((100 * aheadSamples) / faceSamples, 1) : null,
          host_cores: round(hostCores, 2),
          main_thread_cores: round(mainThreadCores, 2),
          browser_cores: round(browserCores, 2),
          latency_ms_p95: round(percentile(latencies, 0.95), 0),
          browser_niceness: browserNiceness,
          plain_video_browser_cores: round(floor.browserCores, 2),
          plain_video_ratio_min: round(floor.ratioMin, 2),
          // What the analysis keeps beside bare tiles (no console): about the most any wall could leave it on this machine.
          plain_video_analysed_fps_min: floor.analysedFpsMin === null ? null : round(floor.analysedFpsMin),
          media_source_browser_cores: round(mediaSource.browserCores, 2),
          media_source_ratio_min: round(mediaSource.ratioMin, 2),
          media_source_analysed_fps_min: mediaSource.analysedFpsMin === null ? null : round(mediaSource.analysedFpsMin),
        };
      } finally {
        await browser.close();
      }
    } finally {
      await server.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
