import { useEffect, useId, useState, type FormEvent } from 'react';
import { hostsOutsideLogin, type Camera, type CameraSource } from '../../../src-preload/contract';
import { ErrorNote, ListStatus } from '../components/Notice';
import { useReturnFocus } from '../lib/useReturnFocus';
import { describeSource, formatFps, sourceKindWords } from '../lib/format';
import { useCameras, type CameraPatch } from '../store/cameras';
import { useMay } from '../store/session';
import { useShifts } from '../store/shifts';
import { DirectionSelect } from './ShiftsSetup';

type Kind = CameraSource['kind'];

const sourceField: Record<Kind, { label: string; placeholder: string; type: 'text' | 'url' }> = {
  file: { label: 'Video file path', placeholder: '/path/to/video.mp4', type: 'text' },
  rtsp: { label: 'RTSP URL', placeholder: 'rtsp://192.168.1.20:554/stream1', type: 'url' },
  http: { label: 'HTTP (MJPEG) URL', placeholder: 'http://192.168.1.20/video.mjpg', type: 'url' },
  webcam: { label: 'Webcam device', placeholder: '0  or  /dev/video0', type: 'text' },
};

function buildSource(kind: Kind, location: string, loop: boolean, subStream: string): CameraSource {
  const value = location.trim();
  const sub = subStream.trim();
  switch (kind) {
    case 'file':
      return { kind, path: value, loop };
    case 'webcam':
      return { kind, device: value };
    default:
      // An empty sub-stream field: none (the tiles show the main stream).
      return sub === '' ? { kind, url: value } : { kind, url: value, subStreamUrl: sub };
  }
}

/** The source's kind and its URL, path or device: the same fields in the Add and Edit forms. */
function SourceKindAndLocation(props: {
  id: string;
  kind: Kind;
  location: string;
  onKind: (kind: Kind) => void;
  onLocation: (value: string) => void;
  /** Any change (the form clears its last error). */
  onEdit: () => void;
}) {
  const { id, kind, location, onKind, onLocation, onEdit } = props;
  const field = sourceField[kind];
  return (
    <>
      <div className="field">
        <label htmlFor={`${id}-kind`}>Kind</label>
        <select
          id={`${id}-kind`}
          value={kind}
          onChange={(e) => {
            onKind(e.target.value as Kind);
            onEdit();
          }}
        >
          {(Object.keys(sourceKindWords) as Kind[]).map((k) => (
            <option key={k} value={k}>
              {sourceKindWords[k]}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor={`${id}-location`}>{field.label}</label>
        <input
          id={`${id}-location`}
          type="text"
          inputMode={field.type === 'url' ? 'url' : 'text'}
          value={location}
          autoComplete="off"
          spellCheck={false}
          placeholder={field.placeholder}
          onChange={(e) => {
            onLocation(e.target.value);
            onEdit();
          }}
        />
      </div>
    </>
  );
}

function AddCameraForm() {
  const add = useCameras((s) => s.add);
  const adding = useCameras((s) => s.adding);
  const addError = useCameras((s) => s.addError);
  const clearAddError = useCameras((s) => s.clearAddError);
  const [name, setName] = useState('');
  const [kind, setKind] = useState<Kind>('file');
  const [location, setLocation] = useState('');
  const [subStream, setSubStream] = useState('');
  const [loop, setLoop] = useState(true);
  const [fps, setFps] = useState('10');
  const [start, setStart] = useState(true);
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [added, setAdded] = useState<string | null>(null);
  const networked = kind === 'rtsp' || kind === 'http';
  const id = useId();

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (adding) return;
    setAdded(null);
    const detectFps = fps.trim() === '' ? undefined : Number(fps);
    const submitted = { name, location, subStream };
    const credentials = networked && (username !== '' || password !== '') ? { username, password } : undefined;
    const ok = await add({ name: name.trim(), source: buildSource(kind, location, loop, networked ? subStream : ''), detectFps, start, ...(credentials ? { credentials } : {}) });
    if (ok) {
      setAdded(submitted.name.trim());
      // The password is not kept on screen once it is stored (it cannot be read back).
      setUsername('');
      setPassword('');
      // Only clear what was submitted: never wipe what was typed while waiting.
      setName((current) => (current === submitted.name ? '' : current));
      setLocation((current) => (current === submitted.location ? '' : current));
      setSubStream((current) => (current === submitted.subStream ? '' : current));
    }
  }

  const touch = () => {
    setAdded(null);
    if (addError) clearAddError();
  };

  return (
    <form className="panel form" onSubmit={onSubmit} aria-labelledby={`${id}-title`} noValidate data-testid="add-camera-form">
      <h3 id={`${id}-title`}>Add a camera</h3>
      <div className="field">
        <label htmlFor={`${id}-name`}>Name</label>
        <input
          id={`${id}-name`}
          type="text"
          value={name}
          maxLength={80}
          autoComplete="off"
          placeholder="Front door"
          onChange={(e) => {
            setName(e.target.value);
            touch();
          }}
        />
      </div>
      <SourceKindAndLocation id={id} kind={kind} location={location} onKind={setKind} onLocation={setLocation} onEdit={touch} />
      {networked ? (
        <>
          <div className="field">
            <label htmlFor={`${id}-sub`}>Sub-stream URL (optional)</label>
            <input
              id={`${id}-sub`}
              type="text"
              inputMode="url"
              value={subStream}
              autoComplete="off"
              spellCheck={false}
              placeholder={kind === 'rtsp' ? 'rtsp://192.168.1.20:554/stream2' : 'http://192.168.1.20/video-small.mjpg'}
              aria-describedby={`${id}-sub-help`}
              onChange={(e) => {
                setSubStream(e.target.value);
                touch();
              }}
            />
            <p className="muted small" id={`${id}-sub-help`}>
              The camera&apos;s smaller stream, if it has one: wall tiles show it (cheaper); a maximised tile and recognition use the main URL. Same user name and password.
            </p>
          </div>
          <div className="field">
            <label htmlFor={`${id}-user`}>User name (optional)</label>
            <input id={`${id}-user`} type="text" value={username} autoComplete="off" spellCheck={false} maxLength={256} onChange={(e) => setUsername(e.target.value)} />
          </div>
          <div className="field">
            <label htmlFor={`${id}-password`}>Password (optional)</label>
            <input id={`${id}-password`} type="password" value={password} autoComplete="new-password" maxLength={1024} onChange={(e) => setPassword(e.target.value)} />
            <p className="muted small">Stored encrypted; it can be replaced later but never shown again.</p>
          </div>
        </>
      ) : null}
      {kind === 'file' ? (
        <div className="field field-check">
          <input id={`${id}-loop`} type="checkbox" checked={loop} onChange={(e) => setLoop(e.target.checked)} />
          <label htmlFor={`${id}-loop`}>Loop the file (play it as an endless camera)</label>
        </div>
      ) : null}
      <div className="field">
        <label htmlFor={`${id}-fps`}>Detection FPS</label>
        <input
          id={`${id}-fps`}
          type="number"
          min={0.5}
          max={30}
          step={0.5}
          value={fps}
          onChange={(e) => {
            setFps(e.target.value);
            touch();
          }}
        />
      </div>
      <div className="field field-check">
        <input id={`${id}-start`} type="checkbox" checked={start} onChange={(e) => setStart(e.target.checked)} />
        <label htmlFor={`${id}-start`}>Start it now</label>
      </div>
      <div className="actions">
        <button type="submit" className="btn btn-primary" disabled={adding}>
          {adding ? 'Adding…' : 'Add camera'}
        </button>
      </div>
      <div aria-live="polite">
        {addError ? <ErrorNote testId="add-camera-error">{addError}</ErrorNote> : null}
        {added ? <p className="note note-ok">Added {added}.</p> : null}
      </div>
    </form>
  );
}

/** Replace (or clear) a camera's user name and password: write-only, the stored ones are never shown. */
function ReplaceCredentials({ camera }: { camera: Camera }) {
  const setCredentials = useCameras((s) => s.setCredentials);
  const busy = useCameras((s) => s.busy[camera.id]);
  const [open, setOpen] = useState(false);
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const id = useId();
  if (!open) {
    return (
      <button type="button" className="btn btn-small btn-ghost" aria-label={`Replace the password of ${camera.name}`} onClick={() => setOpen(true)}>
        {camera.hasCredentials ? 'Replace password' : 'Set password'}
      </button>
    );
  }
  const save = async (clear: boolean) => {
    const ok = await setCredentials(camera.id, clear ? null : { username, password });
    if (ok) {
      setUsername('');
      setPassword('');
      setOpen(false);
    }
  };
  return (
    <div className="inline-form" role="group" aria-label={`Credentials of ${camera.name}`}>
      <label htmlFor={`${id}-u`}>User name</label>
      <input id={`${id}-u`} type="text" value={username} autoComplete="off" spellCheck={false} maxLength={256} onChange={(e) => setUsername(e.target.value)} />
      <label htmlFor={`${id}-p`}>Password</label>
      <input id={`${id}-p`} type="password" value={password} autoComplete="new-password" maxLength={1024} onChange={(e) => setPassword(e.target.value)} />
      <button type="button" className="btn btn-small" disabled={!!busy} onClick={() => void save(false)}>
        Save
      </button>
      {camera.hasCredentials ? (
        <button type="button" className="btn btn-small" disabled={!!busy} onClick={() => void save(true)}>
          Remove password
        </button>
      ) : null}
      <button type="button" className="btn btn-small btn-ghost" onClick={() => setOpen(false)}>
        Cancel
      </button>
    </div>
  );
}

/** The form's text for a source: what the add form's location field holds. */
function sourceLocation(source: CameraSource): string {
  return source.kind === 'file' ? source.path : source.kind === 'webcam' ? source.device : source.url;
}

/**
 * Edit a camera in place (name, source, sub-stream, detection FPS, login): prefilled with its
 * values; Enter saves, Esc cancels; focus starts on the name. Only the fields that changed are sent.
 */
function EditCameraForm({ camera }: { camera: Camera }) {
  const update = useCameras((s) => s.update);
  const saving = useCameras((s) => s.busy[camera.id] === 'edit');
  const editError = useCameras((s) => s.editError);
  const { openEdit, clearEditError } = useCameras.getState();
  const current = camera.source;
  const [name, setName] = useState(camera.name);
  const [kind, setKind] = useState<Kind>(current.kind);
  const [location, setLocation] = useState(sourceLocation(current));
  const [subStream, setSubStream] = useState(current.kind === 'rtsp' || current.kind === 'http' ? (current.subStreamUrl ?? '') : '');
  const [loop, setLoop] = useState(current.kind === 'file' ? current.loop : true);
  const [fps, setFps] = useState(String(camera.detectFps));
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const networked = kind === 'rtsp' || kind === 'http';
  const id = useId();

  let source = buildSource(kind, location, loop, networked ? subStream : '');
  // The add form has no format choice: an HTTP camera keeps the one it has.
  if (source.kind === 'http' && current.kind === 'http' && current.format !== undefined) source = { ...source, format: current.format };
  const sourceChanged = JSON.stringify(source) !== JSON.stringify(current);
  // The stored login is never sent to another host: the new one's is asked for (empty: none).
  const newHosts = camera.hasCredentials && networked ? hostsOutsideLogin(current, source) : [];
  const loginTyped = username !== '' || password !== '';

  const touch = () => {
    if (editError) clearEditError();
  };

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (saving) return;
    const patch: CameraPatch = {};
    if (name.trim() !== camera.name) patch.name = name.trim();
    if (sourceChanged) patch.source = source;
    const detectFps = fps.trim() === '' ? camera.detectFps : Number(fps);
    if (detectFps !== camera.detectFps) patch.detectFps = detectFps;
    if (networked && loginTyped) patch.credentials = { username, password };
    else if (newHosts.length > 0) patch.credentials = null;
    if (Object.keys(patch).length === 0) return openEdit(null);
    await update(camera.id, patch);
  }

  const bind = (setter: (value: string) => void) => (e: { target: { value: string } }) => {
    setter(e.target.value);
    touch();
  };

  return (
    <form
      className="panel form edit-camera"
      onSubmit={onSubmit}
      aria-labelledby={`${id}-title`}
      noValidate
      data-testid="edit-camera-form"
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.preventDefault();
          openEdit(null);
        }
      }}
    >
      <h3 id={`${id}-title`}>Edit {camera.name}</h3>
      <p className="muted small">It keeps its history, restricted area, attendance direction and place on the wall.</p>
      <div className="field">
        <label htmlFor={`${id}-name`}>Name</label>
        <input id={`${id}-name`} type="text" value={name} maxLength={80} autoComplete="off" autoFocus onChange={bind(setName)} />
      </div>
      <SourceKindAndLocation id={id} kind={kind} location={location} onKind={setKind} onLocation={setLocation} onEdit={touch} />
      {networked ? (
        <>
          <div className="field">
            <label htmlFor={`${id}-sub`}>Sub-stream URL (optional)</label>
            <input id={`${id}-sub`} type="text" inputMode="url" value={subStream} autoComplete="off" spellCheck={false} onChange={bind(setSubStream)} />
          </div>
          <div className="field">
            <label htmlFor={`${id}-user`}>{camera.hasCredentials && newHosts.length === 0 ? 'New user name (optional)' : 'User name (optional)'}</label>
            <input id={`${id}-user`} type="text" value={username} autoComplete="off" spellCheck={false} maxLength={256} onChange={bind(setUsername)} />
          </div>
          <div className="field">
            <label htmlFor={`${id}-password`}>{camera.hasCredentials && newHosts.length === 0 ? 'New password (optional)' : 'Password (optional)'}</label>
            <input id={`${id}-password`} type="password" value={password} autoComplete="new-password" maxLength={1024} onChange={bind(setPassword)} aria-describedby={`${id}-login-help`} />
            {newHosts.length > 0 ? (
              <p className="note note-warn small" id={`${id}-login-help`} data-testid="edit-camera-login-note">
                The stored user name and password were for another address; they will not be sent to {newHosts.join(', ')}. Enter this camera&apos;s, or leave them empty for none.
              </p>
            ) : (
              <p className="muted small" id={`${id}-login-help`}>
                {camera.hasCredentials ? 'Leave empty to keep the stored password (it is never shown).' : 'Stored encrypted; never shown again.'}
              </p>
            )}
          </div>
        </>
      ) : camera.hasCredentials ? (
        <p className="muted small">A {sourceKindWords[kind].toLowerCase()} takes no password: the stored one will be removed.</p>
      ) : null}
      {kind === 'file' ? (
        <div className="field field-check">
          <input id={`${id}-loop`} type="checkbox" checked={loop} onChange={(e) => setLoop(e.target.checked)} />
          <label htmlFor={`${id}-loop`}>Loop the file (play it as an endless camera)</label>
        </div>
      ) : null}
      <div className="field">
        <label htmlFor={`${id}-fps`}>Detection FPS</label>
        <input id={`${id}-fps`} type="number" min={0.5} max={30} step={0.5} value={fps} onChange={bind(setFps)} />
      </div>
      <div className="actions">
        <button type="submit" className="btn btn-primary" disabled={saving}>
          {saving ? 'Saving…' : 'Save changes'}
        </button>
        <button type="button" className="btn" onClick={() => openEdit(null)}>
          Cancel
        </button>
      </div>
      <div aria-live="polite">{editError ? <ErrorNote testId="edit-camera-error">{editError}</ErrorNote> : null}</div>
    </form>
  );
}

function CameraRow({ camera, showDirection }: { camera: Camera; showDirection: boolean }) {
  const busy = useCameras((s) => s.busy[camera.id]);
  const editing = useCameras((s) => s.editing === camera.id);
  const editButton = useReturnFocus(editing);
  const actionError = useCameras((s) => s.actionErrors[camera.id]);
  const confirming = useCameras((s) => s.confirmingRemoval === camera.id);
  const { start, stop, askRemove, remove, setRestricted, openEdit } = useCameras.getState();
  const removeButton = useReturnFocus(confirming);
  const h = camera.health;
  const live = h.state === 'running' || h.state === 'starting' || h.state === 'reconnecting';

  return (
    <>
      <tr data-camera-id={camera.id} data-state={h.state}>
        <th scope="row">
          {camera.name}
          <div className="muted small source">
            {sourceKindWords[camera.source.kind]} · {describeSource(camera.source)} · {camera.detectFps} fps target
            {camera.hasCredentials ? <span data-testid="camera-has-credentials"> · password stored (encrypted)</span> : null}
          </div>
          {camera.source.kind === 'rtsp' || camera.source.kind === 'http' ? <ReplaceCredentials camera={camera} /> : null}
        </th>
        <td>
          <span className={`state state-${h.state}`}>{h.state}</span>
        </td>
        <td className="num">{formatFps(h.processedFps)}</td>
        <td className="num">{h.droppedFrames}</td>
        <td className="last-error">{h.lastError ?? <span className="muted">—</span>}</td>
        <td>
          <label className="inline-check" title="Anyone but an employee seen here raises a high-priority alert">
            <input
              type="checkbox"
              checked={camera.restricted}
              disabled={!!busy}
              onChange={(e) => void setRestricted(camera.id, e.target.checked)}
              aria-label={`Restricted area: ${camera.name}`}
            />{' '}
            Restricted
          </label>
        </td>
        {showDirection ? (
          <td>
            <DirectionSelect cameraId={camera.id} name={camera.name} />
          </td>
        ) : null}
        <td className="row-actions">
          {confirming ? (
            <span
              className="confirm"
              role="group"
              aria-label={`Confirm removing ${camera.name}`}
              onKeyDown={(e) => {
                if (e.key === 'Escape') askRemove(null);
              }}
            >
              <span>Remove {camera.name}? Its sightings stay.</span>
              <button type="button" className="btn btn-small btn-danger" disabled={!!busy} onClick={() => void remove(camera.id)}>
                {busy === 'remove' ? 'Removing…' : 'Yes, remove'}
              </button>
              <button type="button" className="btn btn-small" disabled={!!busy} onClick={() => askRemove(null)} autoFocus>
                Cancel
              </button>
            </span>
          ) : (
            <>
              {live ? (
                <button type="button" className="btn btn-small" aria-label={`Stop ${camera.name}`} disabled={!!busy} onClick={() => void stop(camera.id)}>
                  {busy === 'stop' ? 'Stopping…' : 'Stop'}
                </button>
              ) : (
                <button type="button" className="btn btn-small" aria-label={`Start ${camera.name}`} disabled={!!busy} onClick={() => void start(camera.id)}>
                  {busy === 'start' ? 'Starting…' : 'Start'}
                </button>
              )}
              <button
                ref={editButton}
                type="button"
                className="btn btn-small"
                aria-label={`Edit ${camera.name}`}
                aria-expanded={editing}
                disabled={!!busy}
                onClick={() => openEdit(editing ? null : camera.id)}
              >
                Edit
              </button>
              <button ref={removeButton} type="button" className="btn btn-small" aria-label={`Remove ${camera.name}`} disabled={!!busy} onClick={() => askRemove(camera.id)}>
                Remove
              </button>
            </>
          )}
          {actionError ? <ErrorNote>{actionError}</ErrorNote> : null}
        </td>
      </tr>
      {editing ? (
        <tr className="edit-row" data-edit-camera-id={camera.id}>
          <td colSpan={showDirection ? 8 : 7}>
            <EditCameraForm camera={camera} />
          </td>
        </tr>
      ) : null}
    </>
  );
}

export function CamerasView() {
  const cameras = useCameras((s) => s.cameras);
  const loaded = useCameras((s) => s.loaded);
  const error = useCameras((s) => s.error);
  // Attendance directions are HR's and the administrator's: shown to roles that read attendance.
  const showDirection = useMay('attendance.read');
  const directionError = useShifts((s) => (showDirection ? s.error : null));
  const directionCount = useShifts((s) => s.cameras.length);
  useEffect(() => {
    // Cameras added since the directions were read have none yet: read them again with the list.
    if (showDirection && directionCount !== cameras.length) void useShifts.getState().load();
  }, [showDirection, directionCount, cameras.length]);

  return (
    <div className="view view-split">
      <div className="view-main">
        <div className="view-head">
          <h2>Cameras</h2>
        </div>
        {directionError ? <ErrorNote>{directionError}</ErrorNote> : null}
        <ListStatus what="cameras" error={error} loaded={loaded} count={cameras.length} empty="No cameras yet. Add one with the form." />
        {cameras.length > 0 ? (
          <div className="table-wrap">
            <table className="table" data-testid="cameras-table">
              <caption className="sr-only">Cameras</caption>
              <thead>
                <tr>
                  <th scope="col">Camera</th>
                  <th scope="col">State</th>
                  <th scope="col" className="num">FPS</th>
                  <th scope="col" className="num">Dropped</th>
                  <th scope="col">Last error</th>
                  <th scope="col">Area</th>
                  {showDirection ? <th scope="col">Attendance</th> : null}
                  <th scope="col">
                    <span className="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {cameras.map((camera) => (
                  <CameraRow key={camera.id} camera={camera} showDirection={showDirection} />
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
      </div>
      <aside className="view-side" aria-label="Add a camera">
        <AddCameraForm />
      </aside>
    </div>
  );
}
