import type { Engine } from '../engine.js';
import { VigilError } from '../errors.js';
import type { LiveService } from '../live/live-service.js';
import type { Handlers } from './dispatcher.js';

/** The contract's channels, implemented by the engine. One table for every transport. */
export function createHandlers(engine: Engine, live: LiveService): Handlers {
  return {
    'system.status': () => engine.status(),
    'people.list': ({ search }) => engine.listPeople(search),
    'people.enroll': async ({ name, photos }) =>
      engine.enroll(
        name,
        photos.map((p) => {
          const bytes = Buffer.from(p.dataBase64, 'base64');
          if (bytes.length === 0) throw new VigilError('BAD_REQUEST', `${p.fileName} is empty or not base64`);
          return { fileName: p.fileName, bytes };
        }),
      ),
    'people.remove': ({ id }) => ({ removed: engine.removePerson(id) }),
    'cameras.list': () => live.listCameras(),
    'cameras.add': ({ name, source, detectFps, start }) => live.addCamera(name, source, detectFps, start),
    'cameras.remove': async ({ id }) => ({ removed: await live.removeCamera(id) }),
    'cameras.start': ({ id }) => live.startCamera(id),
    'cameras.stop': ({ id }) => live.stopCamera(id),
    'sightings.list': ({ limit, personId }) => engine.listSightings(limit, personId),
    'cameras.setRestricted': ({ id, restricted }) => live.setRestricted(id, restricted),
    'unknowns.list': ({ limit }) => ({ clusters: engine.unknowns.list(limit), snapshotsProblem: engine.unknowns.snapshotsProblem() }),
    'unknowns.snapshot': ({ id }) => engine.unknowns.snapshot(id),
    'unknowns.identify': ({ id, as, name, personId, category }) => engine.unknowns.identify(id, as, { name, personId, category }),
    'unknowns.merge': ({ targetId, sourceId }) => engine.unknowns.merge(targetId, sourceId),
    'unknowns.split': ({ id, faceId }) => engine.unknowns.split(id, faceId),
    'unknowns.dismiss': ({ id }) => ({ dismissed: engine.unknowns.dismiss(id) }),
    'alerts.list': ({ limit, unacknowledgedOnly }) => engine.alerts.list(limit, unacknowledgedOnly),
    'alerts.acknowledge': ({ id, note }, caller) => engine.alerts.acknowledge(id, caller.operator, note),
  };
}
