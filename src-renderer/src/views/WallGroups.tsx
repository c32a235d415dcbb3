import { useEffect, useId, useRef, useState } from 'react';
import { createPortal } from 'react-dom';
import type { Camera } from '../../../src-preload/contract';
import { GROUP_NAME_MAX, groupErrorWords, type CameraGroup, type GroupErrorCode } from '../live/wall-groups';
import { useWall } from '../store/wall';

/** The wall toolbar's group selector: "All cameras" and each group. Hidden until a group exists. */
export function GroupSelect({ groupInView }: { groupInView: string | null }) {
  const groups = useWall((s) => s.groups);
  const chosen = useWall((s) => s.groupId);
  const labelId = useId();
  if (groups.length === 0) return null;
  // The chosen group is shown even when it has no camera present (the wall then shows them all).
  const value = chosen !== null && groups.some((g) => g.id === chosen) ? chosen : '';
  return (
    <label className="wall-tool">
      {/* Named by the word alone: a wrapping label would also lend it the chosen option's text. */}
      <span id={labelId}>Group</span>
      <select
        aria-labelledby={labelId}
        value={value}
        onChange={(event) => useWall.getState().chooseGroup(event.target.value || null)}
        data-testid="wall-group"
        aria-describedby={value && groupInView === null ? 'wall-group-empty' : undefined}
      >
        <option value="">All cameras</option>
        {groups.map((g) => (
          <option key={g.id} value={g.id}>
            {g.name}
          </option>
        ))}
      </select>
      {value && groupInView === null ? (
        <span id="wall-group-empty" className="sr-only">
          No camera of this group is present: all cameras are shown
        </span>
      ) : null}
    </label>
  );
}

function GroupEditor({ group, cameras, onError }: { group: CameraGroup; cameras: readonly Camera[]; onError: (code: GroupErrorCode | null) => void }) {
  // What is typed, until it is applied; then the saved name shows (cleaned, or unchanged when refused).
  const [draft, setDraft] = useState<string | null>(null);
  const id = useId();
  const name = draft ?? group.name;
  function rename() {
    setDraft(null);
    if (draft === null || draft === group.name) return;
    const result = useWall.getState().renameGroup(group.id, draft);
    onError(result.ok ? null : result.code);
  }
  function tick(cameraId: number, on: boolean) {
    const ids = on ? [...group.cameraIds, cameraId] : group.cameraIds.filter((c) => c !== cameraId);
    useWall.getState().setGroupCameras(group.id, ids);
  }
  return (
    <fieldset className="wall-group" data-testid={`wall-group-${group.id}`}>
      <legend className="sr-only">Group {group.name}</legend>
      <div className="wall-group-row">
        <label className="sr-only" htmlFor={`${id}-name`}>
          Name of group {group.name}
        </label>
        <input
          id={`${id}-name`}
          type="text"
          value={name}
          maxLength={GROUP_NAME_MAX + 20}
          onChange={(e) => setDraft(e.target.value)}
          onBlur={rename}
          onKeyDown={(e) => {
            if (e.key === 'Enter') {
              e.preventDefault();
              rename();
            }
          }}
        />
        <button type="button" className="btn btn-small btn-danger" onClick={() => useWall.getState().deleteGroup(group.id)}>
          Delete <span className="sr-only">group </span>
          {group.name}
        </button>
      </div>
      <div className="wall-group-cameras">
        {cameras.map((camera) => (
          <label key={camera.id} className="inline-check">
            <input
              type="checkbox"
              checked={group.cameraIds.includes(camera.id)}
              onChange={(e) => tick(camera.id, e.target.checked)}
              aria-label={`${camera.name} in ${group.name}`}
              data-testid={`wall-group-${group.id}-camera-${camera.id}`}
            />
            {camera.name}
          </label>
        ))}
      </div>
    </fieldset>
  );
}

/**
 * "Groups…": add, rename and delete camera groups and tick their cameras. A modal dialog over the
 * wall (Esc or Close returns focus to the button that opened it); changes apply at once and are
 * saved with the wall.
 */
export function GroupsDialog({ cameras, onClose }: { cameras: readonly Camera[]; onClose: () => void }) {
  const groups = useWall((s) => s.groups);
  const tourIncludesAll = useWall((s) => s.tourIncludesAll);
  const [newName, setNewName] = useState('');
  const [error, setError] = useState<GroupErrorCode | null>(null);
  const id = useId();
  const dialog = useRef<HTMLDivElement>(null);

  useEffect(() => {
    document.getElementById(`${id}-new`)?.focus();
  }, [id]);

  function add() {
    const result = useWall.getState().createGroup(newName);
    setError(result.ok ? null : result.code);
    if (result.ok) setNewName('');
  }

  return createPortal(
    <div className="modal-backdrop">
      <div
        ref={dialog}
        className="panel modal wall-groups-dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby={`${id}-title`}
        data-testid="wall-groups"
        onKeyDown={(e) => {
          if (e.key === 'Escape') {
            // The wall's own Esc (leave maximised or fullscreen) is not for this key.
            e.stopPropagation();
            e.nativeEvent.stopImmediatePropagation();
            onClose();
          } else if (e.key === 'Tab') {
            // Focus stays inside the dialog while it is open.
            const focusable = Array.from(dialog.current?.querySelectorAll<HTMLElement>('input, button, select') ?? []).filter((el) => !el.hasAttribute('disabled'));
            const first = focusable[0];
            const last = focusable[focusable.length - 1];
            if (!first || !last) return;
            if (e.shiftKey && document.activeElement === first) {
              e.preventDefault();
              last.focus();
            } else if (!e.shiftKey && document.activeElement === last) {
              e.preventDefault();
              first.focus();
            }
          }
        }}
      >
        <h3 id={`${id}-title`}>Camera groups</h3>
        <p className="muted small">
          A group shows only its cameras on the wall; &quot;All cameras&quot; in the Group list shows every camera again. With groups, the tour goes from view to view (and through
          each view&apos;s pages).
        </p>
        <label className="inline-check">
          <input
            type="checkbox"
            checked={tourIncludesAll}
            onChange={(e) => useWall.getState().setTourIncludesAll(e.target.checked)}
            data-testid="wall-tour-all"
          />
          The tour also shows All cameras (so a camera in no group is still toured)
        </label>
        <form
          className="wall-group-new"
          onSubmit={(e) => {
            e.preventDefault();
            add();
          }}
        >
          <label htmlFor={`${id}-new`}>New group</label>
          <input id={`${id}-new`} type="text" value={newName} maxLength={GROUP_NAME_MAX + 20} placeholder="e.g. Gate" onChange={(e) => setNewName(e.target.value)} />
          <button type="submit" className="btn btn-small" disabled={!newName.trim()}>
            Add group
          </button>
        </form>
        {error ? (
          <p className="note note-error" role="alert" data-testid="wall-groups-error" data-code={error}>
            {groupErrorWords[error]}
          </p>
        ) : null}
        <div className="wall-group-list">
          {groups.length === 0 ? <p className="muted small">No groups yet.</p> : null}
          {groups.map((group) => (
            <GroupEditor key={group.id} group={group} cameras={cameras} onError={setError} />
          ))}
        </div>
        <div className="actions">
          <button type="button" className="btn" onClick={onClose}>
            Close
          </button>
        </div>
      </div>
    </div>,
    document.body,
  );
}
