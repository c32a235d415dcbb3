#!/usr/bin/env node
/**
 * Vigil command line: the same engine as the console, for operators and scripts.
 *   npm run cli -- <command> [options]      (add --json for machine-readable output)
 * This interface is kept stable; scripts depend on it.
 */
import { readFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { basename, join } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import { type CallerContext, LOCAL_OPERATOR } from '../engine/api/dispatcher.js';
import type { AnalyzedPhoto } from '../engine/engine.js';
import { Engine } from '../engine/engine.js';
import { importFolder } from '../engine/folder-import.js';
import { clientError, VigilError } from '../engine/errors.js';
import { backupDatabase, type DatabaseSummary, restoreDatabase } from '../engine/storage/backup.js';
import { describeHolder, readLockHolder } from '../engine/storage/data-folder-lock.js';
import { type CommonValues, commonOptions, databasePath, dataFolderLog, engineOptionsFrom, forOperator, printJsonLine, reportFailure, round3 } from './common.js';
import { processVideoCommand } from './process-video.js';
import { auditCommand } from './audit-cli.js';
import { accessSummaryCommand, attendanceOnDatabase, attendanceReadsOnly, attendanceReplay, occupancyCommand } from './attendance-cli.js';
import { operatorNameSchema, passwordSchema, roles, roleSchema } from '../../src-preload/contract.js';
import type { OperatorRecord } from '../engine/operators/operator-service.js';
import { generatedPassword } from '../engine/operators/passwords.js';
import { lastSeenCommand, searchFaceCommand } from './search-cli.js';
import { matcherStatusFields } from '../engine/remote/remote-matcher.js';

const USAGE = `Usage: npm run cli -- <command> [options]

Commands:
  enroll-dir <dir>           Enroll every subfolder of <dir> as a person named after it (per-file report)
  export-person <who>        Subject-access export (JSON) of a person: name, employee code or id
  erase <who>                Erase a person, their templates and sightings for good (asks; --yes for scripts)
  identify <image>...        Detect and identify faces; one JSON line per image with --json
  verify <imageA> <imageB>   Compare the most central face of two images
  last-seen <who>            A person's latest sightings, newest first: name, employee code, id or
                             #<unknown person number>
  search-face <image>...     Search by face: members and unknown people like the photo's largest face,
                             best first, with their sightings; one JSON line per image with --json
  process-video <file|url>   Run the live pipeline on a video as a camera; print sightings and stats
  people                     List enrolled people
  unknowns                   List recurring unknown people (clusters): id, count, first/last seen
  visits purge               Delete visits past the site's visit retention now; says how many wait for a
                               locked attendance period (the engine also does this at start and hourly)
  visits retention [--days <31..3650|off>]
                             Show or set (audited) how many days visits are kept
  status                     Model pack, execution provider, database
  operators <action>         Operator accounts (no sign-in needed here: this machine holds the data folder):
                               add <name> --role admin|security|hr|viewer [--display-name <text>] [--password-stdin]
                               list
                               disable <name> | enable <name>
                               reset-password <name> [--password-stdin]   (also lifts a lockout)
                             Without --password-stdin a random password is made and printed once.
  backup <file>              Consistent copy of the database, safe while Vigil runs (checked; owner-only)
  restore <file>             Put a backup in place of the database (Vigil stopped; the current one is kept aside)
  audit verify               Check the audit trail's hash chain: {"entries","ok","firstBadId",...}; exit 1 if broken
  audit list                 Audit entries newest first (--since, --until, --operator, --action, --limit, --csv)
  attendance replay <file>   The attendance rules on a scenario (no cameras, no database): one line per person-day
  attendance --date D [--to D2]   Attendance from the database: one line per person-day (site time zone)
  attendance shift add <name> --start HH:MM --end HH:MM --days mon,tue,… [--grace N] [--early-exit N] [--overtime-after N]
  attendance shift update <name> [--start HH:MM] [--end HH:MM] [--days …] [--grace N] [--early-exit N] [--overtime-after N]
  attendance shift list | remove <name> | assign <person> <shift|none> | department <dept> <shift|none>
  attendance camera <name|id> <entry|exit|both|none>
  attendance --date D [--to D2] --csv   Payroll CSV: one row per person-day
  attendance correct <person> <date> <check-in|check-out> <HH:MM|none> --reason "…"   (refused on a locked period)
  attendance lock --from D --to D       Lock a period after export (read-only from then on)
  access-summary --from D --to D   Visits by status (members, unknown, blocked, unauthorised) and rates
  occupancy --date D         Per hour: in (entry cameras), out (exit cameras), present (reset nightly)

One process at a time may change a data folder: a command that writes (enroll-dir,
erase, export-person, unknowns, process-video, identify --record-unknowns) is refused
with exit 1 (DATA_FOLDER_IN_USE, naming the process) while a console or another
command holds it. status, people, identify, verify, last-seen and search-face only
read, and also run while a console holds the folder (they see the database as it is
at that moment). Each search-face is audited: beside a console its audit row is the
one thing written, in a transaction of its own that SQLite serialises with the console's.

Options (all commands):
  --db <file>        database file (default: the app's data folder); its vector index, logs and
                     snapshots live beside it, the models stay the installed pack
  --models <dir>     model folder (default: the installed pack, see npm run models -- import)
  --embedder <id>    embedder from models/manifest.json (default: the manifest's default)
  --detector <id>    detector from models/manifest.json
  --threshold <x>    match threshold (cosine similarity)
  --provider <ep>    cpu | cuda | dml | coreml (falls back to cpu)
  --json             machine-readable output
identify options:
  --record-unknowns  feed unmatched faces into unknown-person clustering (as live
                     sightings would); adds "unknown": {"clusterId"} to those faces
unknowns options:
  --reset-key        delete every encrypted snapshot and create a new key (after
                     the key was lost: old snapshots cannot be recovered, by design)
process-video options:
  --fps <n>          detection frames per second (default 10)
  --unthrottled      detect on every frame, as fast as the machine allows
  --realtime         read a file at its own speed, like a live camera
  --duration <s>     streams: stop after this many seconds (otherwise Ctrl-C)
  --start-time <ISO> files: the wall-clock time of the file's first frame, for
                     firstSeen/lastSeen (default: when processing started);
                     every sighting also has videoStartS/videoEndS, seconds
                     from the start of the file
enroll-dir options:
  --min-photos <n>   usable photos a person needs to be enrolled (default 1)
last-seen and search-face options:
  --since <ISO>      only sightings that end at or after this time
  --until <ISO>      only sightings that start at or before this time
  --camera <name>    only sightings on this camera (repeat for several)
  --limit <n>        last-seen: sightings (default 20); search-face: candidates (default 20)
  --min-score <x>    search-face: lowest similarity listed (default: the match threshold)
export-person options:
  --include-embeddings   add the template vectors to the export
erase options:
  --yes              do not ask for confirmation
`;

/** The first line of standard input (a password piped in: never on the command line, where ps shows it). */
async function readPasswordFromStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '';
}

async function newPassword(fromStdin: boolean): Promise<{ password: string; generated: boolean }> {
  if (!fromStdin) return { password: generatedPassword(), generated: true };
  const parsed = passwordSchema.safeParse(await readPasswordFromStdin());
  if (!parsed.success) throw new VigilError('BAD_REQUEST', parsed.error.issues[0]?.message ?? 'the password is not valid');
  return { password: parsed.data, generated: false };
}

function operatorByName(engine: Engine, name: string | undefined): OperatorRecord {
  if (!name) throw new VigilError('BAD_REQUEST', 'give the operator\'s sign-in name');
  const found = engine.operators.findByName(name);
  if (!found) throw new VigilError('NOT_FOUND', `No operator named "${name}" (see: npm run cli -- operators list)`);
  return found;
}

async function operatorsCommand(
  engine: Engine,
  [action, name]: string[],
  options: { json: boolean; role?: string; displayName?: string; passwordStdin: boolean },
): Promise<void> {
  const actor = cliCaller().operator;
  const { json } = options;
  const say = (line: string, value: unknown) => (json ? printJsonLine(value) : console.log(line));
  switch (action) {
    case 'list': {
      const list = engine.operators.list();
      if (json) printJsonLine(list);
      else if (list.length === 0) console.log('No operators yet: add the site\'s admin with operators add <name> --role admin');
      else {
        for (const o of list) {
          const state = o.disabled ? 'disabled' : o.lockedUntil ? `locked until ${o.lockedUntil}` : 'enabled';
          console.log(`${o.name}\t${o.role}\t${state}\t${o.displayName}\tlast sign-in ${o.lastLoginAt ?? 'never'}`);
        }
      }
      return;
    }
    case 'add': {
      const parsedName = operatorNameSchema.safeParse(name ?? '');
      if (!parsedName.success) throw new VigilError('BAD_REQUEST', parsedName.error.issues[0]?.message ?? 'invalid sign-in name');
      const role = roleSchema.safeParse(options.role);
      if (!role.success) throw new VigilError('BAD_REQUEST', `--role must be one of ${roles.join(', ')}`);
      const { password, generated } = await newPassword(options.passwordStdin);
      const added = await engine.operators.add({ name: parsedName.data, displayName: options.displayName?.trim() || parsedName.data, role: role.data, password }, actor);
      say(`Added ${added.name} (${added.role}).${generated ? ` Password: ${password}` : ''}`, { operator: added, ...(generated ? { password } : {}) });
      return;
    }
    case 'disable':
    case 'enable': {
      const target = operatorByName(engine, name);
      const updated = engine.operators.update(target.id, { disabled: action === 'disable' }, actor);
      say(`${updated.name} is ${updated.disabled ? 'disabled' : 'enabled'}.`, { operator: updated });
      return;
    }
    case 'reset-password': {
      const target = operatorByName(engine, name);
      const { password, generated } = await newPassword(options.passwordStdin);
      const updated = await engine.operators.resetPassword(target.id, password, actor);
      say(`Password of ${updated.name} reset (any lockout lifted).${generated ? ` New password: ${password}` : ''}`, { operator: updated, ...(generated ? { password } : {}) });
      return;
    }
    default:
      throw new VigilError('BAD_REQUEST', 'operators needs an action: add, list, disable, enable or reset-password');
  }
}

/** --start-time: an ISO 8601 date-time with a time zone (Z or ±hh:mm), so the wall-clock times are not guessed. */
function startTimeOption(text: string): Date {
  const date = new Date(text);
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(text) || Number.isNaN(date.getTime())) {
    throw new VigilError('BAD_REQUEST', `--start-time must be an ISO 8601 date-time with a time zone, e.g. 2026-12-04T08:30:00Z or 2026-12-04T09:30:00+01:00 (got "${text}")`);
  }
  return date;
}

/** Who the CLI acts as in audit entries: the OS account running it. */
function cliCaller(): CallerContext {
  let user = 'unknown';
  try {
    user = userInfo().username;
  } catch {
    // no passwd entry (containers): keep "unknown"
  }
  return { ...LOCAL_OPERATOR, operator: `cli:${user}` };
}

async function enrollDir(engine: Engine, dir: string, json: boolean, minPhotos: number): Promise<void> {
  const report = await importFolder(engine.peopleService, dir, {
    caller: cliCaller(),
    minPhotos,
    consentTextVersion: engine.consentTextVersion,
    onProgress: json ? undefined : ({ done, total, current }) => current && process.stderr.write(`[${done}/${total}] ${current}\n`),
  });
  const skipped = report.files.filter((f) => !f.used).map((f) => ({ file: f.file, code: f.code ?? 'SKIPPED', reason: f.reason ?? 'skipped' }));
  if (json) printJsonLine({ ...report, skipped });
  else {
    console.log(`Enrolled ${report.personsEnrolled} person(s) from ${report.photosUsed} photo(s); skipped ${skipped.length}.`);
    for (const s of skipped) console.log(`  skipped ${s.file}: ${s.reason}`);
    for (const p of report.persons) if (p.personId === null) console.log(`  not enrolled: ${p.name}: ${p.reason ?? 'no usable photo'}`);
    for (const p of report.persons) {
      if (p.resembles) console.log(`  enrolled with a warning: ${p.name} resembles ${p.resembles.name} (${p.resembles.score.toFixed(2)}); check they are different people`);
    }
  }
}

async function exportPerson(engine: Engine, key: string | undefined, json: boolean, includeEmbeddings: boolean): Promise<void> {
  if (!key) throw new VigilError('BAD_REQUEST', 'export-person needs a name, employee code or id');
  const person = engine.peopleService.resolve(key);
  const exported = engine.peopleService.export(person.id, includeEmbeddings, cliCaller());
  // The export is the output: JSON either way (pretty-printed for people).
  if (json) printJsonLine(exported);
  else console.log(JSON.stringify(exported, null, 2));
}

async function erase(engine: Engine, key: string | undefined, json: boolean, confirmed: boolean): Promise<void> {
  if (!key) throw new VigilError('BAD_REQUEST', 'erase needs a name, employee code or id');
  const person = engine.peopleService.resolve(key);
  if (!confirmed) {
    if (!process.stdin.isTTY) {
      throw new VigilError('BAD_REQUEST', `erase ${person.name} (id ${person.id}) is permanent: add --yes to confirm`);
    }
    const rl = createInterface({ input: process.stdin, output: process.stderr });
    const answer = await rl.question(
      `Erase ${person.name}${person.employeeCode ? ` (${person.employeeCode})` : ''}, their ${person.templateCount} face template(s) and sightings? This cannot be undone. Type "erase" to confirm: `,
    );
    rl.close();
    if (answer.trim() !== 'erase') throw new VigilError('BAD_REQUEST', 'Not confirmed; nothing was erased');
  }
  const result = await engine.peopleService.erase(person.id, cliCaller());
  if (json) printJsonLine({ ...result, id: person.id });
  else {
    console.log(`Erased ${result.name} (id ${person.id}): record, face templates and sightings; their vectors overwritten in the index, database vacuumed.`);
    if (result.remoteDeletion === 'deleted') console.log('Their faces were deleted from the remote collection.');
    if (result.remoteDeletion === 'pending') console.log('PENDING REMOTE DELETION: their faces in the remote collection are not deleted yet (queued; retried until done, see `status`).');
  }
}

type IdentifyLine = { image: string; faces: Array<Record<string, unknown>> } | { image: string; error: string };

async function identify(engine: Engine, images: string[], json: boolean, recordUnknowns: boolean): Promise<void> {
  if (images.length === 0) throw new VigilError('BAD_REQUEST', 'identify needs at least one image');
  // Fail early (once) on missing models rather than once per image; the models run in the inference workers.
  const inference = await engine.photoInference();
  // Reading, decoding and inference of the next photos overlap (as many as the workers have slots);
  // matching, recording and printing stay in the order given.
  const analyze = async (image: string): Promise<AnalyzedPhoto | { image: string; error: string }> => {
    try {
      const bytes = await readFile(image).catch((error: NodeJS.ErrnoException) => {
        throw new VigilError('IMAGE_UNREADABLE', `cannot read ${image}: ${error.code ?? error.message}`);
      });
      return await engine.analyzePhoto(bytes, basename(image));
    } catch (error) {
      // One bad photo (unreadable, too large, one that made a worker fail) is its own line; the batch goes on.
      const payload = clientError(error, engine.log, { image });
      if (payload.code === 'MODEL_MISSING' || payload.code === 'MODEL_CORRUPT') throw error;
      return { image, error: payload.message };
    }
  };
  const started: Array<Promise<AnalyzedPhoto | { image: string; error: string }>> = [];
  let next = 0;
  for (const image of images) {
    while (next < images.length && started.length < inference.capacity + 1) {
      const analysis = analyze(images[next++]!);
      analysis.catch(() => undefined); // awaited in order below; not an unhandled rejection meanwhile
      started.push(analysis);
    }
    const analysed = await started.shift()!;
    let line: IdentifyLine;
    if ('error' in analysed) line = analysed;
    else {
      const { faces } = await engine.identifyAnalyzed(analysed, { recordUnknowns });
      line = {
        image,
        faces: faces.map((f) => ({
          bbox: f.bbox,
          landmarks: f.landmarks,
          detScore: f.detScore,
          match: f.match ? { personName: f.match.personName, score: round3(f.match.score) } : null,
          ...(f.unknown ? { unknown: f.unknown } : {}),
        })),
      };
    }
    if (json) printJsonLine(line);
    else if ('error' in line) console.log(`${image}: ERROR ${line.error}`);
    else {
      const faces = line.faces as Array<{ match: { personName: string; score: number } | null; unknown?: { clusterId: number | null } }>;
      const names = faces.map((f) => (f.match ? `${f.match.personName} (${f.match.score})` : f.unknown?.clusterId ? `unknown #${f.unknown.clusterId}` : 'unknown'));
      console.log(`${image}: ${faces.length} face(s)${names.length ? `: ${names.join(', ')}` : ''}`);
    }
  }
}

async function verify(engine: Engine, a: string | undefined, b: string | undefined, json: boolean): Promise<void> {
  if (!a || !b) throw new VigilError('BAD_REQUEST', 'verify needs two images');
  const central = async (path: string) => {
    const bytes = await readFile(path).catch((error: NodeJS.ErrnoException) => {
      throw new VigilError('IMAGE_UNREADABLE', `cannot read ${path}: ${error.code ?? error.message}`);
    });
    const { faces, width, height } = await engine.identifyImage(bytes, basename(path));
    if (faces.length === 0) throw new VigilError('NO_FACE', `no face found in ${path}`);
    const cx = width / 2, cy = height / 2;
    const distance = (f: (typeof faces)[number]) => Math.hypot(f.bbox.x + f.bbox.width / 2 - cx, f.bbox.y + f.bbox.height / 2 - cy);
    return faces.reduce((best, f) => (distance(f) < distance(best) ? f : best));
  };
  const [faceA, faceB] = [await central(a), await central(b)];
  let similarity = 0;
  for (let i = 0; i < faceA.embedding.length; i++) similarity += faceA.embedding[i]! * faceB.embedding[i]!;
  const threshold = engine.matchPolicy.threshold;
  const result = { similarity: round3(similarity), same: similarity >= threshold, threshold };
  if (json) printJsonLine(result);
  else console.log(`similarity ${result.similarity} (threshold ${threshold}): ${result.same ? 'same person' : 'different people'}`);
}

async function databaseCommand(command: 'backup' | 'restore', file: string | undefined, values: CommonValues, json: boolean): Promise<void> {
  if (!file) throw new VigilError('BAD_REQUEST', `${command} needs a file`);
  const dbPath = databasePath(values);
  const describe = (s: DatabaseSummary) => `${s.people} people, ${s.templates} face templates, ${s.sightings} sightings (schema ${s.schemaVersion}, ${(s.bytes / 1024 / 1024).toFixed(1)} MB)`;
  if (command === 'backup') {
    const summary = await backupDatabase(dbPath, file);
    if (json) printJsonLine({ backup: summary.file, database: dbPath, ...summary });
    else console.log(`Backed up ${dbPath} to ${summary.file}: ${describe(summary)}; integrity check ok.`);
    return;
  }
  const report = await restoreDatabase(file, dbPath, join(engineOptionsFrom(values).dataDir, 'index'));
  if (json) printJsonLine({ restored: file, database: dbPath, ...report });
  else {
    console.log(`Restored ${file} as ${dbPath}: ${describe(report)}.`);
    if (report.previous) console.log(`The database it replaced is kept as ${report.previous}.`);
    console.log('The vector index is rebuilt from the restored templates at the next start.');
  }
}

function minPhotosOption(raw: string | undefined): number {
  if (raw === undefined) return 1;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > 5) throw new VigilError('BAD_REQUEST', `--min-photos must be 1 to 5, got "${raw}"`);
  return value;
}

function unknownsCommand(engine: Engine, json: boolean, resetKey: boolean): void {
  if (resetKey) {
    const result = engine.unknowns.resetKey();
    if (json) printJsonLine(result);
    else console.log(`New snapshot key created; ${result.snapshotsDeleted} old snapshot(s) deleted. Clusters and their faces are kept.`);
    return;
  }
  const problem = engine.unknowns.snapshotsProblem();
  if (problem) process.stderr.write(`warning: ${problem}\n`);
  const clusters = engine.unknowns.list(1000).map((c) => ({
    id: c.id,
    count: c.appearances,
    firstSeen: c.firstSeen,
    lastSeen: c.lastSeen,
    cameras: c.cameras,
    hasSnapshot: c.hasSnapshot,
  }));
  if (json) printJsonLine(clusters);
  else if (clusters.length === 0) console.log('No recurring unknown people.');
  else for (const c of clusters) console.log(`#${c.id}\tseen ${c.count} time(s)\t${c.firstSeen} .. ${c.lastSeen}\t${c.cameras.join(', ')}`);
}

/** Visit retention: show or set the period, or purge now (the result says what waits for a lock). */
function visitsCommand(engine: Engine, action: string | undefined, days: string | undefined, json: boolean): void {
  if (action === 'retention') {
    if (days !== undefined) {
      const parsed = days === 'off' ? null : /^\d+$/.test(days) ? Number(days) : Number.NaN;
      engine.attendance.setVisitRetentionDays(parsed, cliCaller().operator);
    }
    const current = engine.attendance.visitRetentionDays();
    if (json) printJsonLine({ days: current });
    else console.log(current === null ? 'Visits are kept for ever (retention off).' : `Visits are kept ${current} days.`);
    return;
  }
  if (action !== 'purge') throw new VigilError('BAD_REQUEST', 'visits needs "purge" or "retention"; see npm run cli -- --help');
  const result = engine.purgeExpiredVisits();
  if (json) printJsonLine(result);
  else {
    if (result.retentionDays === null) console.log('Visit retention is off: no visit was deleted.');
    else console.log(`${result.deleted} visit(s) older than ${result.retentionDays} days deleted.`);
    if (result.message) console.log(result.message);
    if (result.heldForOccupancy > 0) console.log(`${result.heldForOccupancy} visit(s) past retention wait for their occupancy hour to be kept.`);
  }
}

async function main(): Promise<void> {
  const [command, ...rest] = process.argv.slice(2);
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(USAGE);
    return;
  }
  let parsed;
  try {
    parsed = parseArgs({
      args: rest,
      allowPositionals: true,
      options: {
        ...commonOptions,
        fps: { type: 'string' },
        unthrottled: { type: 'boolean', default: false },
        realtime: { type: 'boolean', default: false },
        duration: { type: 'string' },
        'start-time': { type: 'string' },
        'min-photos': { type: 'string' },
        'include-embeddings': { type: 'boolean', default: false },
        yes: { type: 'boolean', default: false },
        'record-unknowns': { type: 'boolean', default: false },
        'reset-key': { type: 'boolean', default: false },
        since: { type: 'string' },
        until: { type: 'string' },
        operator: { type: 'string' },
        action: { type: 'string' },
        limit: { type: 'string' },
        csv: { type: 'boolean', default: false },
        date: { type: 'string' },
        from: { type: 'string' },
        to: { type: 'string' },
        start: { type: 'string' },
        end: { type: 'string' },
        days: { type: 'string' },
        grace: { type: 'string' },
        'early-exit': { type: 'string' },
        'overtime-after': { type: 'string' },
        reason: { type: 'string' },
        role: { type: 'string' },
        'display-name': { type: 'string' },
        'password-stdin': { type: 'boolean', default: false },
        camera: { type: 'string', multiple: true },
        'min-score': { type: 'string' },
      },
    });
  } catch (error) {
    process.stderr.write(`vigil: ${(error as Error).message}\n\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  const { values, positionals } = parsed;
  const json = values.json ?? false;
  if (values.help) {
    process.stdout.write(USAGE);
    return;
  }
  let engine: Engine | null = null;
  try {
    if (!['enroll-dir', 'export-person', 'erase', 'identify', 'verify', 'process-video', 'people', 'unknowns', 'status', 'backup', 'restore', 'operators', 'audit', 'attendance', 'access-summary', 'occupancy', 'last-seen', 'search-face', 'visits'].includes(command)) {
      throw new VigilError('BAD_REQUEST', `unknown command "${command}"; see npm run cli -- --help`);
    }
    // Backup and restore work on the database file, without an engine: a backup runs beside a
    // running console; a restore must not have the database open.
    if (command === 'backup' || command === 'restore') {
      await databaseCommand(command, positionals[0], values, json);
      return;
    }
    // The audit trail is read from the database file alone (read-only: also beside a running console).
    if (command === 'audit') {
      process.exitCode = auditCommand(positionals[0], values, json);
      return;
    }
    // A scenario replay needs neither an engine nor a data folder.
    if (command === 'attendance' && positionals[0] === 'replay') {
      await attendanceReplay(positionals[1], json);
      return;
    }
    // Commands that only read run beside a console that holds the folder (no lock, read-only database).
    const readsOnly =
      ['status', 'people', 'verify', 'access-summary', 'occupancy', 'last-seen', 'search-face'].includes(command) ||
      (command === 'identify' && !values['record-unknowns']) ||
      (command === 'operators' && positionals[0] === 'list') ||
      (command === 'visits' && positionals[0] === 'retention' && values.days === undefined) ||
      (command === 'attendance' && attendanceReadsOnly(positionals[0] === 'shift' && positionals[1] === 'list' ? 'shift-list' : positionals[0]));
    engine = await Engine.open({
      ...engineOptionsFrom(values),
      access: readsOnly ? 'read-only' : 'exclusive',
      lockCommand: `vigil cli ${command}`,
    });
    switch (command) {
      case 'enroll-dir':
        if (!positionals[0]) throw new VigilError('BAD_REQUEST', 'enroll-dir needs a folder');
        await enrollDir(engine, positionals[0], json, minPhotosOption(values['min-photos']));
        break;
      case 'export-person':
        await exportPerson(engine, positionals[0], json, values['include-embeddings'] ?? false);
        break;
      case 'erase':
        await erase(engine, positionals[0], json, values.yes ?? false);
        break;
      case 'identify':
        await identify(engine, positionals, json, values['record-unknowns'] ?? false);
        break;
      case 'verify':
        await verify(engine, positionals[0], positionals[1], json);
        break;
      case 'process-video':
        if (!positionals[0]) throw new VigilError('BAD_REQUEST', 'process-video needs a file or URL');
        await processVideoCommand(engine, positionals[0], {
          json,
          fps: values.fps !== undefined ? Number(values.fps) : undefined,
          unthrottled: values.unthrottled ?? false,
          realtime: values.realtime ?? false,
          durationSeconds: values.duration !== undefined ? Number(values.duration) : undefined,
          startTime: values['start-time'] !== undefined ? startTimeOption(values['start-time']) : undefined,
        });
        break;
      case 'last-seen':
        lastSeenCommand(engine, positionals[0], values, json);
        break;
      case 'search-face':
        await searchFaceCommand(engine, positionals, values, json, cliCaller());
        break;
      case 'people': {
        const people = engine.listPeople();
        if (json) printJsonLine(people);
        else for (const p of people) console.log(`${p.id}\t${p.name}\t${p.employeeCode ?? '-'}\t${p.status}\t${p.templateCount} template(s)`);
        break;
      }
      case 'operators':
        await operatorsCommand(engine, positionals, {
          json,
          role: values.role,
          displayName: values['display-name'],
          passwordStdin: values['password-stdin'] ?? false,
        });
        break;
      case 'unknowns':
        unknownsCommand(engine, json, values['reset-key'] ?? false);
        break;
      case 'attendance':
        attendanceOnDatabase(engine, positionals, values, cliCaller().operator, json);
        break;
      case 'visits':
        visitsCommand(engine, positionals[0], values.days, json);
        break;
      case 'access-summary':
        accessSummaryCommand(engine, values, json);
        break;
      case 'occupancy':
        occupancyCommand(engine, values, json);
        break;
      case 'status': {
        const holder = engine.access === 'read-only' ? readLockHolder(engine.options.dataDir) : null;
        // Remote modes: one DescribeCollection, so "online" is what the service said just now (its failure is in lastError).
        await engine.remoteMatcher?.describeCollection().catch(() => undefined);
        const status = { ...engine.status(), dataFolder: { access: engine.access, heldBy: holder } };
        // Issue 14's keys at the top level: matcher (the mode), remoteCalls, cacheHits, throttled, queued; the details in matcherHealth.
        if (json) printJsonLine(status.matcher ? { ...status, ...matcherStatusFields(status.matcher) } : status);
        else {
          console.log(`Vigil ${status.version}; data ${status.dataDir}; models ${status.modelsDir}`);
          if (holder) console.log(`data folder in use by ${describeHolder(holder)} (read here without changing it)`);
          console.log(`detector ${status.detectorId}, embedder ${status.embedderId}, provider ${status.executionProvider ?? '-'}`);
          console.log(`ffmpeg ${status.ffmpeg?.version ?? '-'} (${status.ffmpeg?.path ?? 'not found'})${status.ffmpeg?.problem ? `: ${status.ffmpeg.problem}` : ''}`);
          const m = status.matcher;
          if (m) {
            const remote = m.mode === 'local' ? 'nothing leaves the site' : `${m.online ? 'online' : 'OFFLINE'}; ${m.remoteCalls} remote call(s), ${m.cacheHits} cache hit(s), ${m.throttled} throttled`;
            console.log(`matcher ${m.mode}: ${remote}; ${m.jobsQueued} remote job(s) queued${m.lastError ? `; last error: ${m.lastError.message}` : ''}`);
          }
          for (const p of status.modelProblems) console.log(`PROBLEM: ${p.message}`);
        }
        break;
      }
    }
  } catch (error) {
    const log = engine?.log ?? dataFolderLog(values);
    reportFailure(forOperator(error, values, log), json, log);
  } finally {
    await engine?.close();
  }
}

await main();
