import type { PhotoInput } from '../../../src-preload/contract.js';
import type { Engine } from '../engine.js';
import type { PhotoBytes } from '../enrollment.js';
import { VigilError } from '../errors.js';
import { importFolder } from '../folder-import.js';
import { auditCsv } from '../audit-csv.js';
import type { AuditQuery } from '../storage/audit-log.js';
import type { LiveService } from '../live/live-service.js';
import { type Handlers, requirePermission } from './dispatcher.js';

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
  return {
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
    'people.importFolder': ({ folder, minPhotos, consent }, caller) =>
      importFolder(people, folder, {
        caller,
        minPhotos,
        // The version the operator confirmed for the batch, recorded with each person's consent.
        consentTextVersion: consent.textVersion,
        // A client of the console reads only the folders the site allows (the CLI is not confined).
        confinedTo: engine.options.importFolders ?? [],
        onProgress: (progress) => engine.emit('people.importProgress', progress),
      }),
    'people.export': ({ id, includeEmbeddings }, caller) => people.export(id, includeEmbeddings, caller),
    'people.erase': ({ id }, caller) => people.erase(id, caller),
    'cameras.list': () => live.listCameras(),
    'cameras.add': ({ name, source, credentials, detectFps, start }, caller) => live.addCamera(name, source, detectFps, start, credentials, caller.operator),
    'cameras.setCredentials': ({ id, credentials }, caller) => live.setCredentials(id, credentials, caller.operator),
    'cameras.remove': async ({ id }, caller) => ({ removed: await live.removeCamera(id, caller.operator) }),
    'cameras.start': ({ id }, caller) => live.startCamera(id, caller.operator),
    'cameras.stop': ({ id }, caller) => live.stopCamera(id, caller.operator),
    'sightings.list': ({ limit, personId }) => engine.listSightings(limit, personId),
    'sightings.lastSeen': ({ query, limit, since, until, cameras }) => ({ subjects: engine.search.findLastSeen(query, { limit, since, until, cameras }) }),
    'search.face': ({ source, minScore, limit, sightingsPerMatch, since, until, cameras }, caller) =>
      engine.search.searchFace(
        source.kind === 'photo' ? { kind: 'photo', bytes: probeBytes(source.photo), label: source.photo.fileName } : source,
        { minScore, limit, sightingsPerMatch, since, until, cameras, faceIndex: source.kind === 'photo' ? source.faceIndex : undefined },
        caller,
      ),
    'cameras.setRestricted': ({ id, restricted }, caller) => live.setRestricted(id, restricted, caller.operator),
    'unknowns.list': ({ limit }) => ({ clusters: engine.unknowns.list(limit), snapshotsProblem: engine.unknowns.snapshotsProblem() }),
    'unknowns.snapshot': ({ id }, caller) => engine.unknowns.snapshot(id, caller.operator),
    'unknowns.identify': ({ id, as, name, personId, category }, caller) => {
      // The cluster's faces become someone's templates: that is enrolling, and blocklisting an existing person changes their record.
      requirePermission(caller, 'people.enroll', 'Naming an unknown person');
      if (personId !== undefined && as === 'blocked') requirePermission(caller, 'people.manage', 'Blocklisting an enrolled person');
      return engine.unknowns.identify(id, as, { name, personId, category }, caller.operator);
    },
    'unknowns.merge': ({ targetId, sourceId }, caller) => engine.unknowns.merge(targetId, sourceId, caller.operator),
    'unknowns.split': ({ id, faceId }, caller) => engine.unknowns.split(id, faceId, caller.operator),
    'unknowns.dismiss': ({ id }, caller) => ({ dismissed: engine.unknowns.dismiss(id, caller.operator) }),
    'alerts.list': ({ limit, unacknowledgedOnly }) => engine.alerts.list(limit, unacknowledgedOnly),
    'audit.list': (query) => engine.auditLog.list(auditFilters(query)),
    'audit.verify': () => engine.auditLog.verify(),
    'audit.exportCsv': (query, caller) => {
      const entries = engine.auditLog.list(auditFilters(query));
      // Who took a copy of the trail is itself on the trail (after the entries exported).
      engine.auditLog.append({ operator: caller.operator, action: 'audit.exported', subjectKind: 'audit', subjectId: null, subjectLabel: null, details: { entries: entries.length, filters: query } });
      return { csv: auditCsv(entries), entries: entries.length };
    },
    'alerts.acknowledge': ({ id, note }, caller) => engine.alerts.acknowledge(id, caller.operator, note),
  };
}
