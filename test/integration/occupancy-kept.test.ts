/**
 * Occupancy kept on a real SQLite data folder: hourly snapshots written by the engine, revised while
 * young and final after, a monthly roll-up, both surviving the retention purge of the strangers'
 * visits they were counted from; the access summary for a period; the channels with roles.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Envelope, Role } from '../../src-preload/contract.js';
import type { Dispatch } from '../../src-main/engine/api/dispatcher.js';
import { createEngineDispatcher } from '../../src-main/engine/api/handlers.js';
import { OCCUPANCY_REVISE_MS } from '../../src-main/engine/attendance/attendance-service.js';
import { zonedToUtc } from '../../src-main/engine/attendance/zoned-time.js';
import { Engine } from '../../src-main/engine/engine.js';
import { LiveService } from '../../src-main/engine/live/live-service.js';
import { type ConsoleConnection, newConnection } from '../../src-main/engine/operators/sessions.js';
import { hamiltonClip, tempDir } from '../helpers/paths.js';

const dir = tempDir();
const dataDir = join(dir.path, 'data');
const zone = 'Europe/Berlin';
const ids: Record<string, number> = {};
let engine: Engine;
let live: LiveService;
let dispatch: Dispatch;
const consoles = new Map<Role, ConsoleConnection>();
const call = (role: Role, channel: string, request: unknown) => dispatch(channel, request, consoles.get(role)!);
function value<T>(envelope: Envelope<unknown>): T {
  if (!envelope.ok) throw new Error(`${envelope.error.code}: ${envelope.error.message}`);
  return envelope.value as T;
}
const codeOf = (envelope: Envelope<unknown>) => (envelope.ok ? 'ok' : envelope.error.code);
const berlin = (date: string, time: string) => zonedToUtc(date, time, zone);
/**
 * The engine's clock, fixed in autumn 2026 like the visits: what it does by the clock on its own
 * (catch-up snapshots, retention purges at open) then means the same whatever today's date is.
 */
let clock = berlin('2026-10-07', '12:00');

/** A visit as the live pipeline writes it; a stranger's belongs to an unknown cluster (what the purge removes). */
function visit(camera: string, date: string, time: string, who: { person: string } | { cluster: number } | { blocked: string }) {
  const at = new Date(berlin(date, time));
  const personId = 'person' in who ? ids[who.person]! : 'blocked' in who ? ids[who.blocked]! : null;
  const status = 'person' in who ? 'member' : 'blocked' in who ? 'blocked' : 'unknown';
  const s = engine.sightingRepo.insert({ cameraId: ids[camera]!, cameraName: camera, personId, status, trackId: 1, firstSeen: at, lastSeen: at, bestScore: 0.8, frames: 5 });
  if ('cluster' in who) {
    engine.db.prepare('UPDATE sightings SET cluster_id = ? WHERE id = ?').run(who.cluster, s.id);
    engine.db.prepare('UPDATE unknown_clusters SET last_seen = MAX(last_seen, ?), appearances = appearances + 1 WHERE id = ?').run(at.toISOString(), who.cluster);
  }
}

function stranger(): number {
  const then = new Date(berlin('2026-10-06', '00:00')).toISOString();
  return Number(
    engine.db.prepare("INSERT INTO unknown_clusters (embedder_id, first_seen, last_seen, appearances, created_at, updated_at) VALUES ('test', ?, ?, 0, ?, ?)").run(then, then, then, then).lastInsertRowid,
  );
}

before(async () => {
  // Retention of one day: the strangers' October visits are purged as soon as the purge runs with a later clock.
  engine = await Engine.open({ dataDir, modelsDir: join(dir.path, 'no-models'), timeZone: zone, snapshotRetentionDays: 1, now: () => clock });
  for (const [name, direction, restricted] of [['Gate in', 'entry', false], ['Gate out', 'exit', false], ['Server room', 'none', true]] as const) {
    ids[name] = engine.cameraRepo.add(name, { kind: 'file', path: hamiltonClip, loop: false }, 10, false).id;
    engine.attendance.setCameraDirection(ids[name]!, direction, 'test');
    if (restricted) engine.db.prepare('UPDATE cameras SET restricted = 1 WHERE id = ?').run(ids[name]);
  }
  const person = engine.db.prepare("INSERT INTO persons (name, category, created_at, updated_at) VALUES (?, ?, 'then', 'then')");
  ids.Ada = Number(person.run('Ada Lovelace', 'employee').lastInsertRowid);
  ids.Vic = Number(person.run('Vic Visitor', 'visitor').lastInsertRowid);
  ids.Mal = Number(person.run('Mal Banned', 'blocked').lastInsertRowid);
  live = new LiveService(engine);
  dispatch = createEngineDispatcher(engine, live);
  for (const role of ['hr', 'viewer', 'security'] as const) {
    const added = await engine.operators.add({ name: `${role}-op`, displayName: role, role, password: 'a long enough password' }, 'test');
    const connection = newConnection();
    engine.sessions.begin(connection, added.id);
    consoles.set(role, connection);
  }
});

after(async () => {
  await live.close();
  await engine.close();
  dir.cleanup();
});

type Hour = { hour: string; in: number; out: number; present: number; kept: boolean };

describe('occupancy kept after the visits expire', () => {
  const firstNow = berlin('2026-10-07', '12:00');

  test('the access summary of a period: total, members, strangers, blocklisted, unauthorised, rates', async () => {
    const s1 = stranger();
    const s2 = stranger();
    visit('Gate in', '2026-10-06', '08:05', { person: 'Ada' });
    visit('Gate in', '2026-10-06', '09:20', { cluster: s1 });
    visit('Gate out', '2026-10-06', '09:50', { cluster: s1 });
    visit('Gate in', '2026-10-06', '10:15', { cluster: s2 }); // never seen leaving: drift until the reset
    visit('Gate out', '2026-10-06', '17:10', { person: 'Ada' });
    visit('Server room', '2026-10-06', '11:00', { person: 'Vic' }); // a visitor in a restricted room
    visit('Server room', '2026-10-06', '11:30', { blocked: 'Mal' });
    visit('Server room', '2026-10-06', '12:00', { person: 'Ada' }); // an employee: authorised
    visit('Gate in', '2026-10-07', '00:30', { person: 'Ada' }); // the next site day (22:30 UTC on the 6th)

    type Summary = { timeZone: string; from: string; to: string; total: number; members: number; unknown: number; blocked: number; unauthorised: number; rates: Record<string, number> };
    const day = value<Summary>(await call('hr', 'attendance.accessSummary', { from: '2026-10-06', to: '2026-10-06' }));
    assert.deepEqual(day, {
      timeZone: zone,
      from: '2026-10-06',
      to: '2026-10-06',
      total: 8,
      members: 4,
      unknown: 3,
      blocked: 1,
      unauthorised: 2,
      rates: { members: 0.5, unknown: 0.375, blocked: 0.125, unauthorised: 0.25 },
    });
    const two = value<Summary>(await call('hr', 'attendance.accessSummary', { from: '2026-10-06', to: '2026-10-07' }));
    assert.deepEqual([two.total, two.members], [9, 5], "the site's days, not UTC days: 00:30 Berlin on the 7th is in the 7th");
    const none = value<Summary>(await call('hr', 'attendance.accessSummary', { from: '2026-09-01', to: '2026-09-30' }));
    assert.deepEqual([none.total, none.rates], [0, { members: 0, unknown: 0, blocked: 0, unauthorised: 0 }], 'no visits: zero rates, not NaN');
    assert.equal(codeOf(await call('hr', 'attendance.accessSummary', { from: '2026-10-07', to: '2026-10-06' })), 'BAD_REQUEST');
    assert.equal(codeOf(await call('hr', 'attendance.accessSummary', { from: '2026-02-30', to: '2026-03-01' })), 'BAD_REQUEST');
    assert.equal(codeOf(await call('security', 'attendance.accessSummary', { from: '2026-10-06', to: '2026-10-06' })), 'FORBIDDEN');
  });

  test("who is inside now, and today's hours, are by the engine's clock (not the computer's calendar)", async () => {
    type Occupancy = { timeZone: string; date: string; inside: { since: string } };
    const now = value<Occupancy>(await call('hr', 'attendance.occupancy', {}));
    assert.equal(now.date, '2026-10-07', "the engine's day, whatever today is");
    assert.match(now.inside.since, /^2026-10-07T/, "counted since the engine's day's reset hour");
  });

  test('hourly snapshots from the first entry / exit visit to the last settled hour, and the month rolled up', () => {
    const { written, months } = engine.attendance.snapshotOccupancy(firstNow, 3);
    // 6 Oct 08:00..23:00 (16 hours) and 7 Oct 00:00..10:00 (11 hours: 11:00 ends at 12:00, not settled yet).
    assert.deepEqual([written, months], [27, ['2026-10']]);
    const kept = engine.db.prepare('SELECT day, hour, entered, exited, present, reset_hour FROM occupancy_hours ORDER BY hour_start').all() as Array<{ day: string; hour: string; entered: number; exited: number; present: number; reset_hour: number }>;
    assert.deepEqual(kept[0], { day: '2026-10-06', hour: '08:00', entered: 1, exited: 0, present: 1, reset_hour: 3 });
    assert.deepEqual(kept.slice(1, 3).map((h) => [h.hour, h.entered, h.exited, h.present]), [['09:00', 1, 1, 1], ['10:00', 1, 0, 2]]);
    assert.deepEqual(kept.find((h) => h.day === '2026-10-06' && h.hour === '17:00'), { day: '2026-10-06', hour: '17:00', entered: 0, exited: 1, present: 1, reset_hour: 3 });
    assert.deepEqual(kept.filter((h) => h.day === '2026-10-07').map((h) => h.present), [2, 2, 2, 0, 0, 0, 0, 0, 0, 0, 0], "Ada's 00:30 entry on top of the drift, gone at the 03:00 reset");
    assert.deepEqual(engine.attendance.occupancyMonths(), [
      { month: '2026-10', days: 2, hours: 27, in: 4, out: 2, peakPresent: 2, peakDay: '2026-10-06', peakHour: '10:00', averageDailyPeak: 2 },
    ]);
    assert.deepEqual(engine.attendance.snapshotOccupancy(firstNow, 3).written, 5, 'a second run writes again only the settled hours that ended in the last 6 hours (06:00..10:00)');
  });

  test('young hours are revised with visits stored late; older snapshots are final', () => {
    const s3 = stranger();
    visit('Gate in', '2026-10-07', '10:40', { cluster: s3 }); // stored late, 80 minutes after
    visit('Gate in', '2026-10-06', '12:10', { cluster: s3 }); // stored a day late: its hour is final
    engine.attendance.snapshotOccupancy(firstNow + 20 * 60_000, 3);
    const hour = (day: string, h: string) => engine.db.prepare('SELECT entered, present FROM occupancy_hours WHERE day = ? AND hour = ?').get(day, h);
    assert.deepEqual(hour('2026-10-07', '10:00'), { entered: 1, present: 1 });
    assert.deepEqual(hour('2026-10-06', '12:00'), { entered: 0, present: 2 }, 'final: not rewritten');
    assert.ok(firstNow - berlin('2026-10-06', '13:00') > OCCUPANCY_REVISE_MS);
  });

  test('visits removed (an erasure, a clean-up of old visits): the kept hours and the roll-up stay', async () => {
    const before = engine.attendance.occupancyMonths('2026-10', '2026-10');
    const later = berlin('2026-10-09', '12:00');
    // The retention purge removes the strangers' clusters, snapshots and faces; their visits stay
    // (unlinked). What removes visits today: erasing a person, or a site's own clean-up of old rows.
    assert.equal(engine.unknowns.purgeExpired(new Date(later)).clusters, 3, 'every stranger cluster expired');
    await call('hr', 'people.erase', { id: ids.Ada, password: 'a long enough password' }).then((e) => assert.equal(codeOf(e), 'ok'));
    engine.db.prepare("DELETE FROM sightings WHERE status = 'unknown' AND first_seen < ?").run(new Date(berlin('2026-10-08', '00:00')).toISOString());
    const left = engine.db.prepare("SELECT COUNT(*) AS n, group_concat(status || ' ' || first_seen) AS rows FROM sightings WHERE camera_direction IN ('entry', 'exit')").get() as { n: number; rows: string };
    assert.equal(left.n, 0, `no entry / exit visit left to count from: ${left.rows}`);

    const day = engine.attendance.occupancy('2026-10-06', 3, later);
    assert.deepEqual(day[10], { hour: '10:00', in: 1, out: 0, present: 2, kept: true }, 'the stranger and Ada still count in the kept hour');
    assert.deepEqual(day[17], { hour: '17:00', in: 0, out: 1, present: 1, kept: true });
    assert.deepEqual(day[7], { hour: '07:00', in: 0, out: 0, present: 0, kept: false }, 'before the first snapshot: computed');
    assert.deepEqual(engine.attendance.occupancyMonths('2026-10', '2026-10'), before, 'the roll-up is untouched');

    // The next snapshots (the rest of the 7th, the 8th, the 9th's morning) count what is left (nothing); the month keeps the old hours.
    engine.attendance.snapshotOccupancy(later, 3);
    const [month] = engine.attendance.occupancyMonths('2026-10', '2026-10');
    assert.deepEqual([month!.in, month!.out, month!.peakPresent, month!.peakDay, month!.peakHour], [before[0]!.in, before[0]!.out, 2, '2026-10-06', '10:00']);
    assert.equal(month!.days, 4, '6th to 9th');

    // The console reads the same through the channels.
    type Occupancy = { hours: Hour[] };
    const channel = value<Occupancy>(await call('hr', 'attendance.occupancy', { date: '2026-10-06' }));
    assert.deepEqual(channel.hours[10], { hour: '10:00', in: 1, out: 0, present: 2, kept: true });
    const months = value<{ timeZone: string; months: unknown[] }>(await call('hr', 'attendance.occupancyMonths', {}));
    assert.deepEqual(months, { timeZone: zone, months: [month] });
    assert.equal(codeOf(await call('hr', 'attendance.occupancyMonths', { from: '2026-11', to: '2026-10' })), 'BAD_REQUEST');
    assert.equal(codeOf(await call('hr', 'attendance.occupancyMonths', { from: '2026-13' })), 'BAD_REQUEST');
    assert.equal(codeOf(await call('security', 'attendance.occupancyMonths', {})), 'FORBIDDEN');
  });

  test('the engine writes the settled hours itself when it opens (catching up while it was off), and the October hours stay', async () => {
    const keptRows = 'SELECT hour_start, entered, exited, present FROM occupancy_hours WHERE hour_start <= ? ORDER BY hour_start';
    const until = (engine.db.prepare('SELECT MAX(hour_start) AS at FROM occupancy_hours').get() as { at: string }).at;
    const kept = engine.db.prepare(keptRows).all(until);
    await live.close();
    await engine.close();
    // Reopened on 2 November, 24 days on, across the end of summer time (25 October, a 25-hour day).
    clock = berlin('2026-11-02', '09:05');
    engine = await Engine.open({ dataDir, modelsDir: join(dir.path, 'no-models'), timeZone: zone, snapshotRetentionDays: 1, now: () => clock });
    live = new LiveService(engine);
    const now = clock;
    const last = Date.parse((engine.db.prepare('SELECT MAX(hour_start) AS at FROM occupancy_hours').get() as { at: string }).at);
    // The last hour written ended at least 10 minutes ago and is the latest such hour.
    assert.ok(last + 3_600_000 <= now - 10 * 60_000 && last + 2 * 3_600_000 > now - 10 * 60_000, `last kept hour ${new Date(last).toISOString()} at ${new Date(now).toISOString()}`);
    assert.equal(new Date(last).toISOString(), new Date(berlin('2026-11-02', '07:00')).toISOString(), '07:00 ended at 08:00, settled by 08:55; 08:00 has not');
    assert.equal((engine.db.prepare("SELECT COUNT(*) AS n FROM occupancy_hours WHERE day = '2026-10-25'").get() as { n: number }).n, 25, 'the day summer time ended has 25 hours');
    assert.deepEqual(engine.db.prepare(keptRows).all(until), kept, 'the hours kept before are unchanged');
    const gaps = engine.db.prepare('SELECT COUNT(*) AS n FROM occupancy_hours a WHERE hour_start < (SELECT MAX(hour_start) FROM occupancy_hours) AND NOT EXISTS (SELECT 1 FROM occupancy_hours b WHERE b.hour_start > a.hour_start AND julianday(b.hour_start) - julianday(a.hour_start) < 1.5 / 24)').get() as { n: number };
    assert.equal(gaps.n, 0, 'every hour from the first kept one on has a snapshot');
  });
});
