/**
 * `npm run cli -- last-seen <who>` and `npm run cli -- search-face <image>...`: the console's
 * "find a person" on the same engine code (PersonSearch).
 *
 * Both only read, so they run beside a console that holds the data folder (read-only engine).
 * A face search must still leave its audit row. A read-only engine cannot write it, so the row
 * goes through a connection opened for that row alone, in a BEGIN IMMEDIATE transaction: SQLite
 * serialises it with the console's writes, and the chain's head is read under that write lock,
 * so the console's entries and this one stay linked in one chain. Nothing else is written (no
 * index, snapshot or log of the probe). When the audit row cannot be written (the database is
 * busy for 5 s, the disk is full), the search fails: no answer without its trace.
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import Database from 'better-sqlite3';
import type { FaceSearchMatch, LastSeenSubject, Sighting } from '../../src-preload/contract.js';
import type { CallerContext } from '../engine/api/dispatcher.js';
import type { Engine } from '../engine/engine.js';
import { clientError, VigilError } from '../engine/errors.js';
import { AuditRepository, type AuditWrite } from '../engine/storage/audit-log.js';
import { defaultDbPath } from '../engine/paths.js';
import { type AuditSink, PersonSearch } from '../engine/search/person-search.js';
import { timeRange } from '../engine/search/rank.js';
import { printJsonLine } from './common.js';

export interface SearchCliValues {
  limit?: string;
  since?: string;
  until?: string;
  camera?: string[];
  'min-score'?: string;
}

function positiveInteger(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > 1000) throw new VigilError('BAD_REQUEST', `--${name} must be a whole number from 1 to 1000, got "${raw}"`);
  return value;
}

function minScoreOption(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value) || value < -1 || value > 1) throw new VigilError('BAD_REQUEST', `--min-score must be a similarity between -1 and 1, got "${raw}"`);
  return value;
}

/** The sighting fields a script needs (the issue's line format). */
const sightingLine = (s: Sighting) => ({ id: s.id, cameraName: s.cameraName, firstSeen: s.firstSeen, lastSeen: s.lastSeen, videoStartS: s.videoStartS, videoEndS: s.videoEndS });

const matchLine = (m: FaceSearchMatch) =>
  m.kind === 'member'
    ? { kind: m.kind, personId: m.personId, name: m.name, score: m.score, sightings: m.sightings.map(sightingLine) }
    : { kind: m.kind, clusterId: m.clusterId, score: m.score, sightings: m.sightings.map(sightingLine) };

function describeSighting(s: Sighting): string {
  const seconds = Math.max(0, Math.round((Date.parse(s.lastSeen) - Date.parse(s.firstSeen)) / 1000));
  const video = s.videoStartS !== null ? `, video ${s.videoStartS.toFixed(1)}-${(s.videoEndS ?? s.videoStartS).toFixed(1)} s` : '';
  return `${s.lastSeen}  ${s.cameraName}  (from ${s.firstSeen}, ${seconds} s${video})`;
}

const describeSubject = (subject: LastSeenSubject) =>
  subject.kind === 'member' ? `${subject.name} (id ${subject.personId}${subject.employeeCode ? `, code ${subject.employeeCode}` : ''})` : `unknown person #${subject.clusterId}`;

export function lastSeenCommand(engine: Engine, who: string | undefined, values: SearchCliValues, json: boolean): void {
  if (!who) throw new VigilError('BAD_REQUEST', 'last-seen needs a name, employee code, id or #<unknown person number>');
  const { subject, sightings } = engine.search.lastSeen(who, { limit: positiveInteger('limit', values.limit, 20), since: values.since, until: values.until, cameras: values.camera });
  if (json) {
    printJsonLine({ subject, sightings: sightings.map(sightingLine) });
    return;
  }
  if (sightings.length === 0) console.log(`${describeSubject(subject)}: not seen${values.since || values.until || values.camera ? ' in that time range or on those cameras' : ' yet'}.`);
  else {
    console.log(`${describeSubject(subject)}: last seen ${sightings[0]!.lastSeen} on ${sightings[0]!.cameraName}`);
    for (const s of sightings) console.log(`  ${describeSighting(s)}`);
  }
}

/**
 * Where the CLI's search audit rows go: the engine's trail when it holds the folder, otherwise a
 * connection of its own for each row (see the file comment). Returns the sink and its closer.
 */
export function cliAuditSink(engine: Engine): { sink: AuditSink; close: () => void } {
  if (engine.access === 'exclusive') return { sink: (entry) => void engine.auditLog.append(entry), close: () => undefined };
  const path = engine.options.dbPath ?? defaultDbPath(engine.options.dataDir);
  let connection: Database.Database | null = null;
  return {
    sink: (entry: AuditWrite) => {
      connection ??= new Database(path, { fileMustExist: true });
      connection.pragma('busy_timeout = 5000');
      connection.pragma('foreign_keys = ON');
      connection.pragma('secure_delete = ON');
      const trail = new AuditRepository(connection);
      connection.transaction(() => trail.append(entry)).immediate();
    },
    close: () => connection?.close(),
  };
}

export async function searchFaceCommand(engine: Engine, images: string[], values: SearchCliValues, json: boolean, caller: CallerContext): Promise<void> {
  if (images.length === 0) throw new VigilError('BAD_REQUEST', 'search-face needs at least one image');
  const options = {
    limit: positiveInteger('limit', values.limit, 20),
    minScore: minScoreOption(values['min-score']),
    since: values.since,
    until: values.until,
    cameras: values.camera,
  };
  // Options are checked once, before any image (a backwards time range is one clear error, not one per image).
  try {
    timeRange(options.since, options.until);
  } catch (error) {
    throw new VigilError('BAD_REQUEST', `--since/--until: ${(error as Error).message}`);
  }
  // Fail once on missing models rather than once per image.
  await engine.photoInference();
  const audit = cliAuditSink(engine);
  const search = new PersonSearch(engine, audit.sink);
  try {
    for (const image of images) {
      let line: Record<string, unknown>;
      try {
        const bytes = await readFile(image).catch((error: NodeJS.ErrnoException) => {
          throw new VigilError('IMAGE_UNREADABLE', `cannot read ${image}: ${error.code ?? error.message}`);
        });
        const result = await search.searchFace({ kind: 'photo', bytes, label: basename(image) }, options, caller);
        line = { image, matches: result.matches.map(matchLine) };
      } catch (error) {
        const payload = clientError(error, engine.log, { image });
        // A missing model or an audit row that cannot be written stops the batch: every later image would fail the same way.
        if (['MODEL_MISSING', 'MODEL_CORRUPT', 'DATABASE_BUSY', 'DISK_FULL', 'STORAGE_ERROR', 'DATABASE_CORRUPT'].includes(payload.code)) throw error;
        line = { image, error: payload };
      }
      if (json) printJsonLine(line);
      else if ('error' in line) console.log(`${image}: ERROR ${(line.error as { message: string }).message}`);
      else {
        const matches = line.matches as Array<ReturnType<typeof matchLine>>;
        console.log(`${image}: ${matches.length === 0 ? 'nobody at or above the threshold' : `${matches.length} candidate(s)`}`);
        for (const m of matches) {
          const who = m.kind === 'member' ? `${m.name} (id ${m.personId})` : `unknown person #${m.clusterId}`;
          const last = m.sightings[0];
          console.log(`  ${m.score.toFixed(3)}  ${who}${last ? `  last seen ${last.lastSeen} on ${last.cameraName}` : '  not seen'}`);
        }
      }
    }
  } finally {
    audit.close();
  }
}
