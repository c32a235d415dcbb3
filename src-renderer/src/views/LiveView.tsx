import { useCameras } from '../store/cameras';
import { EmptyState, ErrorNote } from '../components/Notice';
import { CameraTile } from './CameraTile';
import { AlertCards } from '../components/AlertCards';
import { statusColours, statusWords } from '../lib/format';
import type { FaceStatus } from '../../../src-preload/contract';

function Legend() {
  return (
    <ul className="legend" aria-label="Box colours">
      {(Object.keys(statusColours) as FaceStatus[]).map((status) => (
        <li key={status}>
          <span className="swatch" style={{ background: statusColours[status] }} aria-hidden="true" />
          {statusWords[status]}
        </li>
      ))}
    </ul>
  );
}

export function LiveView({ active, onAddCamera }: { active: boolean; onAddCamera: () => void }) {
  const cameras = useCameras((s) => s.cameras);
  const loaded = useCameras((s) => s.loaded);
  const loading = useCameras((s) => s.loading);
  const error = useCameras((s) => s.error);

  return (
    <div className="view">
      <div className="view-head">
        <h2>Live</h2>
        <Legend />
      </div>
      {error && !loaded ? <ErrorNote>Cameras could not be loaded. {error}</ErrorNote> : null}
      {!loaded && !error ? <EmptyState>{loading ? 'Loading cameras…' : 'Waiting for the engine…'}</EmptyState> : null}
      {loaded && cameras.length === 0 ? (
        <div className="empty-card">
          <p>No cameras yet — add one on the Cameras tab</p>
          <button type="button" className="btn" onClick={onAddCamera}>
            Go to Cameras
          </button>
        </div>
      ) : null}
      {cameras.length > 0 ? (
        <div className="grid">
          {cameras.map((camera) => (
            <CameraTile key={camera.id} camera={camera} active={active} />
          ))}
        </div>
      ) : null}
      {active ? <AlertCards /> : null}
    </div>
  );
}
