import { type KeyboardEvent, useMemo } from 'react';
import type { Camera } from '../../../src-preload/contract';
import { formatFps } from '../lib/format';
import { useLive } from '../store/live';
import { useCameraFlashing } from '../store/alerts';
import { VideoSurface } from './VideoSurface';
import { tileStream } from '../live/video-stream';
import { tileFaceLinesFromKey, tileFacesKey } from '../live/tile-faces';

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

/** Health in words, for the status dot's tooltip. */
export function healthSummary(camera: Camera): string {
  const h = camera.health;
  const parts = [stateWords[h.state] ?? h.state, `${formatFps(h.processedFps)} fps processed`, `${h.droppedFrames} dropped`];
  if (h.latencyMs !== null) parts.push(`${Math.round(h.latencyMs)} ms latency`);
  if (h.lastError) parts.push(`Last error: ${h.lastError}`);
  return parts.join(' · ');
}

export function CameraHealthLine({ camera, className = 'health' }: { camera: Camera; className?: string }) {
  const h = camera.health;
  return (
    <p className={className} data-testid={`camera-health-${camera.id}`} data-state={h.state}>
      <span className={`state state-${h.state}`}>{stateWords[h.state] ?? h.state}</span>
      <span>{formatFps(h.processedFps)} fps processed</span>
      <span>{h.droppedFrames} dropped</span>
      {h.latencyMs !== null ? <span>{Math.round(h.latencyMs)} ms latency</span> : null}
      {h.lastError ? <span className="health-error">Last error: {h.lastError}</span> : null}
    </p>
  );
}

export interface CameraTileProps {
  camera: Camera;
  active: boolean;
  showScores?: boolean;
  maximised?: boolean;
  /** Double-click or Enter: show this camera alone (or back to the grid when it already is). */
  onToggleMaximise?: () => void;
  /** Alt+Arrow: move this camera earlier (-1) or later (+1) on the wall. */
  onMove?: (by: -1 | 1) => void;
  /** The camera where a person searched for was last seen: who (outlined and labelled on the tile), or null. */
  lastSeenHere?: string | null;
}

export function CameraTile({ camera, active, showScores = false, maximised = false, onToggleMaximise, onMove, lastSeenHere = null }: CameraTileProps) {
  // The latest analysed frame's faces (count and the screen-reader list); the video's overlay picks its own per displayed frame.
  const running = camera.health.state === 'running' || camera.health.state === 'starting' || camera.health.state === 'reconnecting';
  // The words only (see tile-faces): the tile re-renders when what it says changes, not per analysed frame.
  const facesKey = useLive((s) => (running ? tileFacesKey(s.frames[camera.id]?.faces, showScores) : ''));
  const faces = useMemo(() => tileFaceLinesFromKey(facesKey), [facesKey]);

  const titleId = `tile-title-${camera.id}`;
  const flashing = useCameraFlashing(camera.id);
  const found = lastSeenHere !== null;
  const foundId = `tile-found-${camera.id}`;
  const classes = ['tile', flashing ? 'tile-alert-flash' : '', maximised ? 'tile-maximised' : '', found ? 'tile-found' : ''].filter(Boolean).join(' ');

  function onKeyDown(event: KeyboardEvent<HTMLElement>) {
    if (event.target !== event.currentTarget) return;
    if (event.key === 'Enter' && !event.altKey) {
      event.preventDefault();
      onToggleMaximise?.();
    } else if (event.altKey && !event.ctrlKey && !event.metaKey && (event.key === 'ArrowLeft' || event.key === 'ArrowRight' || event.key === 'ArrowUp' || event.key === 'ArrowDown')) {
      event.preventDefault();
      onMove?.(event.key === 'ArrowLeft' || event.key === 'ArrowUp' ? -1 : 1);
    }
  }

  return (
    <article
      className={classes}
      data-flashing={flashing}
      data-maximised={maximised}
      aria-labelledby={titleId}
      aria-describedby={found ? foundId : undefined}
      data-found={found}
      aria-keyshortcuts="Enter Alt+ArrowLeft Alt+ArrowRight"
      tabIndex={0}
      data-testid={`camera-tile-${camera.id}`}
      data-camera-id={camera.id}
      onDoubleClick={() => onToggleMaximise?.()}
      onKeyDown={onKeyDown}
    >
      <div className="tile-video" role="img" aria-label={`Live view of ${camera.name}`}>
        {running && active ? (
          <VideoSurface
            cameraId={camera.id}
            running={camera.health.state === 'running'}
            label={camera.name}
            showScores={showScores}
            stream={tileStream(camera, maximised)}
          />
        ) : (
          <div className="tile-placeholder">{placeholderText(camera)}</div>
        )}
      </div>
      <div className="tile-caption">
        <span
          className={`status-dot status-dot-${camera.health.state}`}
          title={healthSummary(camera)}
          role="img"
          aria-label={stateWords[camera.health.state] ?? camera.health.state}
          data-testid={`camera-status-${camera.id}`}
        />
        <h3 id={titleId}>{camera.name}</h3>
        {faces.length > 0 ? <span className="tile-count">{`${faces.length} ${faces.length === 1 ? 'face' : 'faces'}`}</span> : null}
      </div>
      {found ? (
        <p className="tile-found-label" id={foundId} data-testid={foundId}>
          Last seen here: {lastSeenHere}
        </p>
      ) : null}
      <ul className="face-labels sr-only" aria-label={`Faces on ${camera.name}`} data-testid={`live-labels-${camera.id}`}>
        {faces.map((face, index) => (
          <li key={index} data-status={face.status}>
            {face.text}
          </li>
        ))}
      </ul>
      <CameraHealthLine camera={camera} className="health sr-only" />
    </article>
  );
}
