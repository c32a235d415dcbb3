import { getApi } from '../api';
import { useCameras } from './cameras';
import { useConnection } from './connection';
import { useLive } from './live';
import { useWall } from './wall';
import { useBulkImport } from './bulkImport';
import { usePeople } from './people';
import { usePersonPanel } from './personPanel';
import { useSightings } from './sightings';
import { useSession } from './session';
import { useSystem } from './system';
import { useAlerts } from './alerts';
import { useUnknowns } from './unknowns';

/** Cluster changes arrive in bursts (a camera ending many tracks): reload the queue once per burst. */
const UNKNOWNS_RELOAD_DELAY_MS = 300;

/** How often the camera list (with health) is refreshed in the background. */
const CAMERA_POLL_MS = 5_000;

/** Loads everything the console shows. Called on start and after every (re)connection. */
export function loadAll(): void {
  // Only what the signed-in role may read (anything else would be refused, and audited as such).
  const may = useSession.getState().may;
  if (may('system.read')) void useSystem.getState().load();
  if (may('cameras.read')) void useCameras.getState().load();
  if (may('people.read')) void usePeople.getState().load();
  if (may('sightings.read')) void useSightings.getState().load();
  if (may('unknowns.read')) void useUnknowns.getState().load();
  if (may('alerts.read')) void useAlerts.getState().load();
}

/**
 * Wires the engine's pushed events and the connection state into the stores.
 * Returns a cleanup (React StrictMode mounts effects twice in development).
 */
export function startEngineSync(): () => void {
  const api = getApi();
  const cleanups: Array<() => void> = [];

  // The first load below is queued until the socket opens; after any drop the
  // queued calls were rejected, so the next successful connection reloads all.
  let reloadOnOpen = false;
  useConnection.getState().set(api.getConnection());
  cleanups.push(
    api.onConnection((info) => {
      useConnection.getState().set(info);
      if (info.state === 'closed') reloadOnOpen = true;
      if (info.state === 'open' && reloadOnOpen) {
        reloadOnOpen = false;
        loadAll();
      }
    }),
  );

  cleanups.push(
    api.on('live.faces', (frame) => {
      // A frame still in flight when its camera was stopped is not "live" any more.
      const camera = useCameras.getState().cameras.find((c) => c.id === frame.cameraId);
      if (camera && (camera.health.state === 'stopped' || camera.health.state === 'failed')) return;
      useLive.getState().receiveFrame(frame);
    }),
  );
  cleanups.push(api.on('sightings.changed', (sighting) => useSightings.getState().upsert(sighting)));
  cleanups.push(api.on('people.importProgress', (progress) => useBulkImport.getState().receiveProgress(progress)));
  // Changes made elsewhere (another window, the CLI on the same engine) show up here too.
  cleanups.push(
    api.on('people.changed', ({ personId, change }) => {
      if (change === 'erased') {
        usePeople.getState().forget(personId);
        // Their sightings are deleted and alerts about them no longer name them: the guard's views follow.
        useSightings.getState().forgetPerson(personId);
        void useAlerts.getState().load();
      } else void usePeople.getState().load();
      const panel = usePersonPanel.getState();
      if (panel.personId === personId && change !== 'erased' && !panel.busy) void panel.open(personId);
    }),
  );
  let unknownsTimer: ReturnType<typeof setTimeout> | null = null;
  cleanups.push(
    api.on('unknowns.changed', () => {
      if (unknownsTimer) return;
      unknownsTimer = setTimeout(() => {
        unknownsTimer = null;
        void useUnknowns.getState().load();
      }, UNKNOWNS_RELOAD_DELAY_MS);
    }),
  );
  cleanups.push(() => {
    if (unknownsTimer) clearTimeout(unknownsTimer);
  });
  cleanups.push(api.on('alerts.changed', (alert) => useAlerts.getState().receive(alert)));
  cleanups.push(
    api.on('cameras.health', ({ cameraId, health }) => useCameras.getState().applyHealth(cameraId, health)),
  );

  // Frames of removed, stopped or failed cameras must not linger: their faces are not current.
  cleanups.push(
    useCameras.subscribe((state, previous) => {
      if (state.cameras === previous.cameras || !state.loaded) return;
      const showing = state.cameras.filter((c) => c.health.state !== 'stopped' && c.health.state !== 'failed');
      useLive.getState().retain(showing.map((c) => c.id));
      // Removed cameras leave the wall's groups: when one is removed (here or from another
      // console, seen by the poll) and when a saved wall meets the first full camera list.
      useWall.getState().pruneCameras(state.cameras.map((c) => c.id));
    }),
  );

  const poll = setInterval(() => {
    // Not while locked: a background poll is not someone at the console.
    const session = useSession.getState();
    if (session.phase === 'signed-in' && session.may('cameras.read') && api.getConnection().state === 'open' && document.visibilityState === 'visible') {
      void useCameras.getState().load({ quiet: true });
    }
  }, CAMERA_POLL_MS);
  cleanups.push(() => clearInterval(poll));

  // Calls made while the socket is still connecting are queued, so this works for both transports.
  loadAll();

  return () => {
    for (const cleanup of cleanups.reverse()) cleanup();
  };
}
