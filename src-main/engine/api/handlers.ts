import type { PhotoInput } from '../../../src-preload/contract.js';
import type { Engine } from '../engine.js';
import type { PhotoBytes } from '../enrollment.js';
import { VigilError } from '../errors.js';
import { importFolder } from '../folder-import.js';
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
    'people.importFolder': ({ folder, minPhotos }, caller) =>
      importFolder(people, folder, {
        caller,
        minPhotos,
        consentTextVersion: engine.consentTextVersion,
        onProgress: (progress) => engine.emit('people.importProgress', progress),
      }),
    'people.export': ({ id, includeEmbeddings }, caller) => people.export(id, includeEmbeddings, caller),
    'people.erase': ({ id }, caller) => people.erase(id, caller),
    'cameras.list': () => live.listCameras(),
    'cameras.add': ({ name, source, credentials, detectFps, start }) => live.addCamera(name, source, detectFps, start, credentials),
    'cameras.setCredentials': ({ id, credentials }) => live.setCredentials(id, credentials),
    'cameras.remove': async ({ id }) => ({ removed: await live.removeCamera(id) }),
    'cameras.start': ({ id }) => live.startCamera(id),
    'cameras.stop': ({ id }) => live.stopCamera(id),
    'sightings.list': ({ limit, personId }) => engine.listSightings(limit, personId),
    'cameras.setRestricted': ({ id, restricted }) => live.setRestricted(id, restricted),
    'unknowns.list': ({ limit }) => ({ clusters: engine.unknowns.list(limit), snapshotsProblem: engine.unknowns.snapshotsProblem() }),
    'unknowns.snapshot': ({ id }) => engine.unknowns.snapshot(id),
    'unknowns.identify': ({ id, as, name, personId, category }, caller) => {
      // The cluster's faces become someone's templates: that is enrolling, and blocklisting an existing person changes their record.
      requirePermission(caller, 'people.enroll', 'Naming an unknown person');
      if (personId !== undefined && as === 'blocked') requirePermission(caller, 'people.manage', 'Blocklisting an enrolled person');
      return engine.unknowns.identify(id, as, { name, personId, category }, caller.operator);
    },
    'unknowns.merge': ({ targetId, sourceId }) => engine.unknowns.merge(targetId, sourceId),
    'unknowns.split': ({ id, faceId }) => engine.unknowns.split(id, faceId),
    'unknowns.dismiss': ({ id }) => ({ dismissed: engine.unknowns.dismiss(id) }),
    'alerts.list': ({ limit, unacknowledgedOnly }) => engine.alerts.list(limit, unacknowledgedOnly),
    'alerts.acknowledge': ({ id, note }, caller) => engine.alerts.acknowledge(id, caller.operator, note),
    'alerts.rules.get': () => engine.alerts.rules(),
    'alerts.rules.set': ({ rules }, caller) => engine.alerts.setRules(rules, caller.operator),
  };
}
