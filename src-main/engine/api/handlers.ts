import type { PhotoInput, VisitRetentionState } from '../../../src-preload/contract.js';
import type { Engine } from '../engine.js';
import type { PhotoBytes } from '../enrollment.js';
import { VigilError } from '../errors.js';
import { importFolder } from '../folder-import.js';
import { auditCsv } from '../audit-csv.js';
import { addDays, isCalendarDate, isoWithOffset, localDate, zonedToUtc } from '../attendance/zoned-time.js';
import { DEFAULT_RESET_HOUR } from '../attendance/occupancy.js';
import { DEFAULT_VISIT_RETENTION_DAYS } from '../attendance/visit-retention.js';
import type { AuditQuery } from '../storage/audit-log.js';
import type { LiveService } from '../live/live-service.js';
import { AuditRepository } from '../storage/repositories.js';
import { createDispatcher, type Dispatch, type Handlers, requirePermission } from './dispatcher.js';

/** Photos arrive base64-encoded (the same message travels over IPC and WebSocket). */
function photoBytes(photos: PhotoInput[]): PhotoBytes[] {
  return photos.map((p) => {
    const bytes = Buffer.from(p.dataBase64, 'base64');
    if (bytes.length === 0) throw new VigilError('BAD_REQUEST', `${p.fileName} is empty or not base64`);
    return { fileName: p.fileName, bytes };
  });
}

/** A search photo's bytes, in memory only (never written anywhere). */
function probeBytes(photo: PhotoInput): Buffer {
  const bytes = Buffer.from(photo.dataBase64, 'base64');
  if (bytes.length === 0) throw new VigilError('BAD_REQUEST', `${photo.fileName} is empty or not base64`);
  return bytes;
}

/** Times in the request are normalised (any ISO form) so they compare with the stored ISO strings. */
function auditFilters(query: { since?: string; until?: string; operator?: string; action?: string; limit?: number; beforeId?: number }): AuditQuery {
  const iso = (v: string | undefined) => (v === undefined ? undefined : new Date(Date.parse(v)).toISOString());
  return { ...query, since: iso(query.since), until: iso(query.until) };
}

/** The contract's channels, implemented by the engine. One table for every transport. */
export function createHandlers(engine: Engine, live: LiveService): Handlers {
  const people = engine.peopleService;
  const { operators, sessions } = engine;
  return {
    'session.status': (_request, _caller, connection) => sessions.status(connection),
    'session.setup': async ({ name, displayName, password }, _caller, connection) => {
      sessions.countSignInAttempt(connection);
      const admin = await operators.add({ name, displayName, role: 'admin', password }, name, { firstAdmin: true });
      sessions.begin(connection, admin.id);
      return sessions.status(connection);
    },
    'session.login': async ({ name, password }, _caller, connection) => {
      sessions.countSignInAttempt(connection);
      const operator = await operators.authenticate(name, password);
      sessions.begin(connection, operator.id);
      return sessions.status(connection);
    },
    'session.resume': ({ resumeToken }, _caller, connection) => {
      sessions.resume(connection, resumeToken);
      return sessions.status(connection);
    },
    'session.logout': (_request, _caller, connection) => {
      sessions.end(connection, 'signed-out');
      return sessions.status(connection);
    },
    'session.changePassword': async ({ currentPassword, newPassword }, caller) => {
      if (caller.operatorId === undefined) throw new VigilError('BAD_REQUEST', 'Only a signed-in operator has a password to change (the CLI: operators reset-password)');
      await operators.changeOwnPassword(caller.operatorId, currentPassword, newPassword);
      return { changed: true as const };
    },
    'operators.list': () => operators.list(),
    'operators.add': (request, caller) => operators.add(request, caller.operator),
    'operators.update': ({ id, ...changes }, caller) => operators.update(id, changes, caller.operator),
    'operators.resetPassword': ({ id, newPassword }, caller) => operators.resetPassword(id, newPassword, caller.operator),
    'matcher.credentials.get': () => engine.matcherCredentials.state(),
    'matcher.credentials.set': ({ credentials }, caller) => engine.setMatcherCredentials(credentials, caller.operator),
    'matcher.config.get': () => engine.matcherChoice(),
    'matcher.config.set': (choice, caller) => engine.setMatcherChoice(choice, caller.operator),
    'settings.get': () => ({ idleTimeoutMinutes: operators.idleTimeoutMinutes() }),
    'settings.update': ({ idleTimeoutMinutes }, caller) => ({ idleTimeoutMinutes: operators.setIdleTimeoutMinutes(idleTimeoutMinutes, caller.operator) }),
    'settings.visitRetention.get': () => visitRetentionState(engine),
    'settings.visitRetention.set': ({ days }, caller) => {
      engine.attendance.setVisitRetentionDays(days, caller.operator);
      // A read-only engine only reads; the owner's hourly purge applies the new period.
      if (engine.access !== 'read-only') engine.purgeExpiredVisits();
      return visitRetentionState(engine);
    },
    'people.setBlocked': ({ id, blocked, category }, caller) => {
      const person = people.get(id).person;
      // Taking someone off the blocklist who is not on it changes nothing.
      if (!blocked && person.category !== 'blocked') return person;
      return people.update(id, { category: blocked ? 'blocked' : category }, caller);
    },
    'system.status': (_request, caller) => ({
      ...engine.status(),
      caller: { operator: caller.operator, permissions: [...caller.permissions] },
    }),
    'people.list': (filters) => people.list(filters),
    'people.get': ({ id }) => people.get(id),
    'people.reviewResemblance': ({ id, otherId }, caller) => people.reviewResemblance(id, otherId, caller),
    'people.update': ({ id, ...changes }, caller) => people.update(id, changes, caller),
    'people.setStatus': ({ id, status }, caller) => people.setStatus(id, status, caller),
    'people.checkPhotos': async ({ photos }) => ({ photos: await people.checkPhotos(photoBytes(photos)) }),
    'people.enroll': ({ record, consent, photos, allowFewerPhotos, overrideDuplicate }, caller) =>
      people.enroll(
        {
          // Fields left out of a new record are empty, not "unchanged".
          record: { ...record, employeeCode: record.employeeCode ?? null, department: record.department ?? null, notes: record.notes ?? null },
          consent,
          photos: photoBytes(photos),
        },
        { allowFewerPhotos, overrideDuplicate },
        caller,
      ),
    'people.addTemplates': ({ id, photos, overrideDuplicate }, caller) =>
      people.saveTemplates(id, photoBytes(photos), 'add', { overrideDuplicate }, caller),
    'people.replaceTemplates': ({ id, photos, allowFewerPhotos, overrideDuplicate }, caller) =>
      people.saveTemplates(id, photoBytes(photos), 'replace', { allowFewerPhotos, overrideDuplicate }, caller),
    'people.importFolder': ({ folder, minPhotos, consent }, caller, connection) =>
      importFolder(people, folder, {
        caller,
        minPhotos,
        // The version the operator confirmed for the batch, recorded with each person's consent.
        consentTextVersion: consent.textVersion,
        // A client of the console reads only the folders the site allows, plus any its operator
        // chose in the desktop app's folder dialog this session (the CLI is not confined).
        confinedTo: [...(engine.options.importFolders ?? []), ...connection.pickedFolders],
        onProgress: (progress) => engine.emit('people.importProgress', progress),
      }),
    'people.export': ({ id, includeEmbeddings }, caller) => people.export(id, includeEmbeddings, caller),
    'people.erase': ({ id }, caller) => people.erase(id, caller),
    'cameras.list': () => live.listCameras(),
    'cameras.add': ({ name, source, credentials, detectFps, start }, caller) => live.addCamera(name, source, detectFps, start, credentials, caller.operator),
    'cameras.update': ({ id, ...patch }, caller) => live.updateCamera(id, patch, caller.operator),
    'cameras.setCredentials': ({ id, credentials }, caller) => live.setCredentials(id, credentials, caller.operator),
    'cameras.remove': async ({ id }, caller) => ({ removed: await live.removeCamera(id, caller.operator) }),
    'cameras.start': ({ id }, caller) => live.startCamera(id, caller.operator),
    'cameras.stop': ({ id }, caller) => live.stopCamera(id, caller.operator),
    'sightings.list': ({ limit, personId }) => engine.listSightings(limit, personId),
    'sightings.lastSeen': ({ query, limit, since, until, cameras }) => ({ subjects: engine.search.findLastSeen(query, { limit, since, until, cameras }) }),
    'search.face': ({ source, minScore, limit, sightingsPerMatch, since, until, cameras }, caller) =>
      engine.search.searchFace(
        source.kind === 'photo'
          ? { kind: 'photo', bytes: probeBytes(source.photo), label: source.photo.fileName }
          : source.kind === 'sightingSnapshot'
            ? { kind: 'sightingSnapshot', sightingId: source.sightingId }
            : source,
        { minScore, limit, sightingsPerMatch, since, until, cameras, faceIndex: source.kind === 'clusterFace' ? undefined : source.faceIndex },
        caller,
      ),
    'cameras.setRestricted': ({ id, restricted }, caller) => live.setRestricted(id, restricted, caller.operator),
    'unknowns.list': ({ limit }) => ({ clusters: engine.unknowns.list(limit), snapshotsProblem: engine.unknowns.snapshotsProblem() }),
    'unknowns.snapshot': ({ id }, caller) => engine.unknowns.snapshot(id, caller.operator),
    'unknowns.identify': ({ id, as, name, personId, category }, caller) => {
      // The cluster's faces become someone's templates: that is enrolling, except onto the blocklist, which security keeps.
      if (as === 'blocked') requirePermission(caller, 'people.blocklist', 'Putting an unknown person on the blocklist');
      else requirePermission(caller, 'people.enroll', 'Naming an unknown person');
      return engine.unknowns.identify(id, as, { name, personId, category }, caller.operator);
    },
    'unknowns.merge': ({ targetId, sourceId }, caller) => engine.unknowns.merge(targetId, sourceId, caller.operator),
    'unknowns.split': ({ id, faceId }, caller) => engine.unknowns.split(id, faceId, caller.operator),
    'unknowns.dismiss': ({ id }, caller) => ({ dismissed: engine.unknowns.dismiss(id, caller.operator) }),
    'alerts.list': ({ limit, unacknowledgedOnly }) => engine.alerts.list(limit, unacknowledgedOnly),
    'attendance.records': ({ from, to }) => {
      const attendance = engine.attendance;
      return { timeZone: attendance.timeZone, records: attendance.records(from, to, engine.now()).map((r) => attendance.recordForClient(r)) };
    },
    'attendance.correct': ({ personId, date, field, time, reason }, caller) => {
      const attendance = engine.attendance;
      const atMs = time === null ? null : zonedToUtc(date, time, attendance.timeZone);
      return attendance.recordForClient(attendance.correct(personId, date, field, atMs, reason, caller.operator));
    },
    'attendance.exportCsv': ({ from, to }, caller) => {
      const attendance = engine.attendance;
      const records = attendance.records(from, to, engine.now());
      engine.auditLog.append({ operator: caller.operator, action: 'attendance.exported', subjectKind: 'period', subjectId: null, subjectLabel: `${from}..${to}`, details: { rows: records.length } });
      return { csv: attendance.payrollCsv(records), rows: records.length };
    },
    'attendance.exportXlsx': ({ from, to }, caller) => {
      const attendance = engine.attendance;
      const records = attendance.records(from, to, engine.now());
      engine.auditLog.append({ operator: caller.operator, action: 'attendance.exported', subjectKind: 'period', subjectId: null, subjectLabel: `${from}..${to}`, details: { rows: records.length, format: 'xlsx' } });
      return { xlsxBase64: attendance.payrollXlsx(records).toString('base64'), rows: records.length };
    },
    'attendance.accessSummary': ({ from, to }) => {
      const attendance = engine.attendance;
      const zone = attendance.timeZone;
      for (const day of [from, to]) if (!isCalendarDate(day)) throw new VigilError('BAD_REQUEST', `${day} is not a calendar date`);
      // The site's days [from, to]: from the first's midnight to the midnight after the last (DST-correct).
      const summary = attendance.accessSummary(new Date(zonedToUtc(from, '00:00', zone)).toISOString(), new Date(zonedToUtc(addDays(to, 1), '00:00', zone)).toISOString());
      return { ...summary, timeZone: zone, from, to };
    },
    'attendance.occupancyMonths': ({ from, to }) => ({ timeZone: engine.attendance.timeZone, months: engine.attendance.occupancyMonths(from, to) }),
    'attendance.lock': ({ from, to }, caller) => {
      engine.attendance.lock(from, to, caller.operator, engine.now());
      return { locked: true as const };
    },
    'attendance.personMonth': ({ personId, month }) => {
      const attendance = engine.attendance;
      const iso = (ms: number | null) => (ms === null ? null : isoWithOffset(ms, attendance.timeZone));
      const { person, records, corrections } = attendance.personMonth(personId, month, engine.now());
      return {
        timeZone: attendance.timeZone,
        person,
        records: records.map((r) => attendance.recordForClient(r)),
        corrections: corrections.map((c) => ({ date: c.date, field: c.field, time: iso(c.atMs), reason: c.reason, operator: c.operator, at: c.madeAt })),
      };
    },
    'attendance.shifts.impact': ({ id }) => engine.attendance.shiftEditImpact(id, engine.now()),
    'attendance.accessLog': ({ from, to, personId, cameraId, direction, status, limit }) => {
      const attendance = engine.attendance;
      const zone = attendance.timeZone;
      const at = (minute: string) => {
        const [date, time] = minute.split('T') as [string, string];
        if (!isCalendarDate(date)) throw new VigilError('BAD_REQUEST', `${date} is not a calendar date`);
        return zonedToUtc(date, time, zone);
      };
      const { entries, truncated } = attendance.accessLog({ fromMs: at(from), toMs: at(to), personId, cameraId, direction, status, limit });
      return { timeZone: zone, truncated, entries: entries.map(({ atMs, ...e }) => ({ ...e, at: isoWithOffset(atMs, zone) })) };
    },
    'attendance.occupancy': ({ date }) => {
      const attendance = engine.attendance;
      const zone = attendance.timeZone;
      const resetHour = engine.options.occupancyResetHour ?? DEFAULT_RESET_HOUR;
      // The engine's clock (a test or a replay may set it), as its purges and snapshots use.
      const now = engine.now();
      const day = date ?? localDate(now, zone);
      if (!isCalendarDate(day)) throw new VigilError('BAD_REQUEST', `${day} is not a calendar date`);
      const inside = attendance.insideNow(now, resetHour);
      return {
        timeZone: zone,
        date: day,
        resetHour,
        hours: attendance.occupancy(day, resetHour, now),
        inside: {
          since: isoWithOffset(inside.sinceMs, zone),
          present: inside.present,
          people: inside.people.map((p) => ({ personId: p.personId, name: p.name, since: isoWithOffset(p.sinceMs, zone), camera: p.camera })),
        },
      };
    },
    'attendance.shifts.list': () => {
      const attendance = engine.attendance;
      return { shifts: attendance.shiftsForClient(), departments: attendance.departmentShifts(), people: attendance.shiftAssignments() };
    },
    'attendance.shifts.save': ({ id, shift }, caller) => {
      const attendance = engine.attendance;
      const saved = id === undefined ? attendance.addShift(shift, caller.operator) : attendance.updateShift(id, shift, caller.operator);
      return attendance.shiftsForClient(saved.id)[0]!;
    },
    'attendance.shifts.remove': ({ id }, caller) => ({ removed: true as const, ...engine.attendance.removeShift(id, caller.operator) }),
    'attendance.shifts.assign': ({ personId, shiftId }, caller) => engine.attendance.assignShift(personId, shiftId, caller.operator),
    'attendance.shifts.setDepartment': ({ department, shiftId }, caller) => engine.attendance.setDepartmentShift(department, shiftId, caller.operator),
    'attendance.cameras.list': () => engine.attendance.cameraDirections(),
    'attendance.cameras.setDirection': ({ id, direction }, caller) => engine.attendance.setCameraDirection(id, direction, caller.operator),
    'audit.list': (query) => engine.auditLog.list(auditFilters(query)),
    'audit.verify': () => engine.auditLog.verify(),
    'audit.exportCsv': (query, caller) => {
      const entries = engine.auditLog.list(auditFilters(query));
      // Who took a copy of the trail is itself on the trail (after the entries exported).
      engine.auditLog.append({ operator: caller.operator, action: 'audit.exported', subjectKind: 'audit', subjectId: null, subjectLabel: null, details: { entries: entries.length, filters: query } });
      return { csv: auditCsv(entries), entries: entries.length };
    },
    'alerts.acknowledge': ({ id, note }, caller) => engine.alerts.acknowledge(id, caller.operator, note),
    'alerts.rules.get': () => engine.alerts.rules(),
    'alerts.rules.set': ({ rules }, caller) => engine.alerts.setRules(rules, caller.operator),
  };
}

/** The dispatcher every transport uses: sessions, password re-checks and refused calls audited. */
export function createEngineDispatcher(engine: Engine, live: LiveService): Dispatch {
  return createDispatcher(createHandlers(engine, live), {
    log: engine.log,
    sessions: engine.sessions,
    operators: engine.operators,
    audit: new AuditRepository(engine.db),
  });
}

function visitRetentionState(engine: Engine): VisitRetentionState {
  const last = engine.lastVisitPurge;
  return {
    days: engine.attendance.visitRetentionDays(),
    defaultDays: DEFAULT_VISIT_RETENTION_DAYS,
    lastPurge: last ? { at: last.at, deleted: last.deleted, heldForLock: last.heldForLock, heldForOccupancy: last.heldForOccupancy, message: last.message } : null,
  };
}
