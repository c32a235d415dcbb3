import type { Camera } from '../../../src-preload/contract';
import { faceLabel, formatFps, statusColours } from '../lib/format';
import { useLive } from '../store/live';
import { useCameraFlashing } from '../store/alerts';
import { VideoSurface } from './VideoSurface';

const stateWords: Record<Camera['health']['state'], string> = {
  stopped: 'Stopped',
  starting: 'Starting',
  running: 'Running',
  reconnecting: 'Reconnecting',
  failed: 'Failed',
};

function placeholderText(camera: Camera): string {
  switch (camera.health.state) {
    case 'running':
      return 'Waiting for the first analysed frame…';
    case 'starting':
      return 'Starting the camera…';
    case 'reconnecting':
      return 'Reconnecting to the camera…';
    case 'failed':
      return 'The camera failed. See the error below, or check it on the Cameras tab.';
    default:
      return 'Camera stopped. Start it on the Cameras tab.';
  }
}

export function CameraHealthLine({ camera }: { camera: Camera }) {
  const h = camera.health;
  return (
    <p className="health" data-testid={`camera-health-${camera.id}`} data-state={h.state}>
      <span className={`state state-${h.state}`}>{stateWords[h.state] ?? h.state}</span>
      <span>{formatFps(h.processedFps)} fps processed</span>
      <span>{h.droppedFrames} dropped</span>
      {h.latencyMs !== null ? <span>{Math.round(h.latencyMs)} ms latency</span> : null}
      {h.lastError ? <span className="health-error">Last error: {h.lastError}</span> : null}
    </p>
  );
}

export function CameraTile({ camera, active }: { camera: Camera; active: boolean }) {
  // The latest analysed frame's faces (the list under the video); the overlay picks its own per displayed frame.
  const frame = useLive((s) => s.frames[camera.id]);
  const running = camera.health.state === 'running' || camera.health.state === 'starting' || camera.health.state === 'reconnecting';
  const shown = running ? frame : undefined;
  const faces = shown?.faces ?? [];
  const titleId = `tile-title-${camera.id}`;
  const flashing = useCameraFlashing(camera.id);

  return (
    <article className={flashing ? 'tile tile-alert-flash' : 'tile'} data-flashing={flashing} aria-labelledby={titleId} data-testid={`camera-tile-${camera.id}`}>
      <header className="tile-head">
        <h3 id={titleId}>{camera.name}</h3>
        <span className="tile-count">{shown ? `${faces.length} ${faces.length === 1 ? 'face' : 'faces'}` : ''}</span>
      </header>
      <div className="tile-video">
        {running && active ? (
          <VideoSurface cameraId={camera.id} running={camera.health.state === 'running'} label={camera.name} showScores />
        ) : (
          <div className="tile-placeholder">{placeholderText(camera)}</div>
        )}
      </div>
      <ul className="face-labels" aria-label={`Faces on ${camera.name}`} data-testid={`live-labels-${camera.id}`} data-frame-seq={shown?.frameSeq ?? ''}>
        {faces.map((face, index) => (
          <li key={`${face.trackId ?? 'i'}-${index}`} data-status={face.status}>
            <span className="swatch" style={{ background: statusColours[face.status] }} aria-hidden="true" />
            {faceLabel(face)}
          </li>
        ))}
      </ul>
      {shown && faces.length === 0 ? <p className="muted small">No faces in view.</p> : null}
      <CameraHealthLine camera={camera} />
    </article>
  );
}
