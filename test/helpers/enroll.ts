import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { EnrollmentResult } from '../../src-preload/contract.js';
import { LOCAL_OPERATOR, type CallerContext } from '../../src-main/engine/api/dispatcher.js';
import type { Engine } from '../../src-main/engine/engine.js';
import type { EnrollOptions } from '../../src-main/engine/people-service.js';
import { resolveFfmpegPath } from '../../src-main/engine/video/ffmpeg-path.js';
import { hamiltonClip } from './paths.js';

/** Enrolls a person from photo files through the people service (as the enrollment desk does). */
export function enrollFiles(
  engine: Engine,
  name: string,
  files: string[],
  options: EnrollOptions & { employeeCode?: string; caller?: CallerContext } = {},
): Promise<EnrollmentResult> {
  return engine.peopleService.enroll(
    {
      record: { name, employeeCode: options.employeeCode ?? null, department: null, category: 'employee', notes: null },
      consent: { textVersion: engine.consentTextVersion },
      photos: files.map((f) => ({ fileName: basename(f), bytes: readFileSync(f) })),
    },
    options,
    options.caller ?? LOCAL_OPERATOR,
  );
}

/**
 * Two stills of Lin-Manuel Miranda cut from the Hamilton clip (at 4 s and 6 s, his face
 * about 80 px; crops fixed for this file, checked by the enrollment's own verdicts), written
 * as JPEG into `dir`. The one studio photo of him in the shared data scores only 0.36–0.65
 * against his face in this 360p clip, around the 0.46 match threshold, so a live test that
 * enrolled it alone named him in some runs and not in others. Enrolling stills from the
 * camera as well is what a site does (the desk's webcam) and makes the live tests dependable.
 */
export function mirandaStillsFromClip(dir: string): string[] {
  const stills = [
    { at: '4', crop: '227:227:106:0', file: 'miranda-still-4s.jpg' },
    { at: '6', crop: '270:270:147:0', file: 'miranda-still-6s.jpg' },
  ];
  return stills.map(({ at, crop, file }) => {
    const out = join(dir, file);
    const made = spawnSync(resolveFfmpegPath(), ['-hide_banner', '-loglevel', 'error', '-y', '-ss', at, '-i', hamiltonClip, '-frames:v', '1', '-vf', `crop=${crop}`, '-q:v', '2', out], {
      encoding: 'utf8',
    });
    if (made.status !== 0) throw new Error(`ffmpeg could not cut a still from the clip: ${made.stderr}`);
    return out;
  });
}
