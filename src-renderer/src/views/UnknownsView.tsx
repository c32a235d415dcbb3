import { useEffect, useId, useState, type FormEvent } from 'react';
import type { UnknownCluster } from '../../../src-preload/contract';
import { ErrorNote, ListStatus } from '../components/Notice';
import { formatTime } from '../lib/format';
import { useReturnFocus } from '../lib/useReturnFocus';
import { useFaceSearch } from '../store/findPerson';
import { useSystem } from '../store/system';
import { type ReviewMode, useUnknowns } from '../store/unknowns';

const modeTitles: Record<ReviewMode, string> = {
  visitor: 'Name as visitor',
  member: 'Convert to member',
  blocked: 'Add to blocklist',
  merge: 'Merge into another',
};

function SnapshotImage({ cluster }: { cluster: UnknownCluster }) {
  const snapshot = useUnknowns((s) => s.snapshots[cluster.id]);
  const loadSnapshot = useUnknowns((s) => s.loadSnapshot);
  useEffect(() => {
    if (cluster.hasSnapshot && !snapshot) void loadSnapshot(cluster.id);
  }, [cluster.hasSnapshot, cluster.id, snapshot, loadSnapshot]);

  if (!cluster.hasSnapshot) return <div className="snapshot snapshot-missing" data-testid="snapshot-none">No snapshot</div>;
  if (!snapshot || snapshot === 'loading') return <div className="snapshot snapshot-missing">Loading…</div>;
  if (snapshot.state === 'available') return <img className="snapshot" src={snapshot.dataUrl} alt={`Best face of unknown person #${cluster.id}`} />;
  if (snapshot.state === 'none') return <div className="snapshot snapshot-missing" data-testid="snapshot-none">No snapshot</div>;
  return (
    <div className="snapshot snapshot-missing" data-testid="snapshot-unavailable" title={snapshot.reason}>
      Snapshot unavailable: {snapshot.reason}
    </div>
  );
}

function ReviewForm({ cluster, mode }: { cluster: UnknownCluster; mode: ReviewMode }) {
  const people = useUnknowns((s) => s.personChoices);
  const loadPersonChoices = useUnknowns((s) => s.loadPersonChoices);
  const clusters = useUnknowns((s) => s.clusters);
  const busy = useUnknowns((s) => !!s.busy[cluster.id]);
  const identify = useUnknowns((s) => s.identify);
  const merge = useUnknowns((s) => s.merge);
  const setMode = useUnknowns((s) => s.setMode);
  const [name, setName] = useState('');
  const [existing, setExisting] = useState('');
  const [category, setCategory] = useState<'employee' | 'contractor'>('employee');
  const [target, setTarget] = useState('');
  const ids = { name: useId(), existing: useId(), category: useId(), target: useId() };
  const others = clusters.filter((c) => c.id !== cluster.id);
  useEffect(() => {
    if (mode === 'member') void loadPersonChoices();
  }, [mode, loadPersonChoices]);

  function submit(event: FormEvent) {
    event.preventDefault();
    if (mode === 'merge') {
      if (target) void merge(Number(target), cluster.id);
      return;
    }
    const personId = mode === 'member' && existing ? Number(existing) : undefined;
    void identify({ id: cluster.id, as: mode, category, ...(personId ? { personId } : { name: name.trim() }) });
  }

  const canSubmit = mode === 'merge' ? target !== '' : name.trim() !== '' || (mode === 'member' && existing !== '');
  return (
    <form
      className="review-form"
      aria-label={`${modeTitles[mode]}: unknown person #${cluster.id}`}
      onSubmit={submit}
      onKeyDown={(e) => {
        if (e.key === 'Escape') setMode(cluster.id, null);
      }}
    >
      {mode === 'merge' ? (
        <>
          <label htmlFor={ids.target}>Same person as</label>
          <select id={ids.target} value={target} onChange={(e) => setTarget(e.target.value)} autoFocus>
            <option value="">Choose an unknown person…</option>
            {others.map((c) => (
              <option key={c.id} value={c.id}>
                #{c.id} (seen {c.appearances}×, last {formatTime(c.lastSeen)})
              </option>
            ))}
          </select>
        </>
      ) : (
        <>
          {mode === 'member' ? (
            <>
              <label htmlFor={ids.existing}>Existing person</label>
              <select id={ids.existing} value={existing} onChange={(e) => setExisting(e.target.value)}>
                <option value="">New person…</option>
                {people.map((p) => (
                  <option key={p.id} value={p.id}>
                    {[p.name, p.employeeCode, p.department, p.category].filter(Boolean).join(' · ')}
                  </option>
                ))}
              </select>
            </>
          ) : null}
          {mode !== 'member' || existing === '' ? (
            <>
              <label htmlFor={ids.name}>Name</label>
              <input id={ids.name} value={name} onChange={(e) => setName(e.target.value)} autoComplete="off" maxLength={120} autoFocus />
            </>
          ) : null}
          {mode === 'member' && existing === '' ? (
            <>
              <label htmlFor={ids.category}>Category</label>
              <select id={ids.category} value={category} onChange={(e) => setCategory(e.target.value as 'employee' | 'contractor')}>
                <option value="employee">Employee</option>
                <option value="contractor">Contractor</option>
              </select>
            </>
          ) : null}
        </>
      )}
      <div className="review-form-buttons">
        <button type="submit" className={`btn btn-small ${mode === 'blocked' ? 'btn-danger' : 'btn-primary'}`} disabled={busy || !canSubmit}>
          {busy ? 'Saving…' : modeTitles[mode]}
        </button>
        <button type="button" className="btn btn-small" onClick={() => setMode(cluster.id, null)} disabled={busy}>
          Cancel
        </button>
      </div>
    </form>
  );
}

/** Dismissing deletes the cluster's faces and snapshot for good: one more step, Cancel first, Escape cancels. */
function DismissButton({ clusterId, busy, onConfirm }: { clusterId: number; busy: boolean; onConfirm: () => void }) {
  const [confirming, setConfirming] = useState(false);
  const returnFocus = useReturnFocus(confirming);
  if (!confirming) {
    return (
      <button ref={returnFocus} type="button" className="btn btn-small" disabled={busy} onClick={() => setConfirming(true)}>
        Dismiss
      </button>
    );
  }
  return (
    <span className="inline-confirm" role="group" aria-label={`Dismiss unknown person #${clusterId}`} onKeyDown={(e) => e.key === 'Escape' && setConfirming(false)}>
      <span className="small">Delete #{clusterId}'s faces and snapshot for good?</span>
      <button type="button" className="btn btn-small" autoFocus onClick={() => setConfirming(false)}>
        Cancel
      </button>
      <button type="button" className="btn btn-small btn-danger" disabled={busy} onClick={onConfirm}>
        Dismiss for good
      </button>
    </span>
  );
}

function ClusterCard({ cluster }: { cluster: UnknownCluster }) {
  const mode = useUnknowns((s) => s.modes[cluster.id]);
  const busy = useUnknowns((s) => !!s.busy[cluster.id]);
  const error = useUnknowns((s) => s.actionErrors[cluster.id]);
  const setMode = useUnknowns((s) => s.setMode);
  const split = useUnknowns((s) => s.split);
  const dismiss = useUnknowns((s) => s.dismiss);
  const headingId = useId();
  const permissions = useSystem((s) => s.status?.caller?.permissions);
  const canSearchFace = !permissions || permissions.includes('people.search-face');

  return (
    <article className="cluster-card" aria-labelledby={headingId} data-testid={`cluster-${cluster.id}`} data-cluster-id={cluster.id}>
      <SnapshotImage cluster={cluster} />
      <div className="cluster-body">
        <h3 id={headingId}>Unknown person #{cluster.id}</h3>
        <p>
          Seen <strong data-testid="appearances">{cluster.appearances}</strong> {cluster.appearances === 1 ? 'time' : 'times'}
        </p>
        <p className="small muted">
          First <time dateTime={cluster.firstSeen}>{formatTime(cluster.firstSeen)}</time> · last{' '}
          <time dateTime={cluster.lastSeen}>{formatTime(cluster.lastSeen)}</time>
        </p>
        <p className="small">Cameras: {cluster.cameras.join(', ') || '–'}</p>
        {canSearchFace && cluster.faces[0] ? (
          <button
            type="button"
            className="btn btn-small"
            onClick={() => {
              void useFaceSearch.getState().searchClusterFace(cluster.faces[0]!.id);
              window.location.hash = 'events';
            }}
          >
            Search by this face
          </button>
        ) : null}
        {mode ? (
          <ReviewForm cluster={cluster} mode={mode} />
        ) : (
          <div className="cluster-actions" role="group" aria-label={`Actions for unknown person #${cluster.id}`}>
            {(Object.keys(modeTitles) as ReviewMode[]).map((m) => (
              <button key={m} type="button" className={`btn btn-small${m === 'blocked' ? ' btn-danger' : ''}`} disabled={busy} onClick={() => setMode(cluster.id, m)}>
                {modeTitles[m]}
              </button>
            ))}
            <DismissButton clusterId={cluster.id} busy={busy} onConfirm={() => void dismiss(cluster.id)} />
          </div>
        )}
        {cluster.faces.length > 1 ? (
          <details className="cluster-faces">
            <summary>Faces kept ({cluster.faces.length})</summary>
            <ul>
              {cluster.faces.map((face) => (
                <li key={face.id}>
                  <span>
                    {face.cameraName ?? '–'}, <time dateTime={face.seenAt}>{formatTime(face.seenAt)}</time>, quality {face.quality.toFixed(2)}
                  </span>{' '}
                  <button type="button" className="btn btn-small" disabled={busy} onClick={() => void split(cluster.id, face.id)} aria-label={`Not the same person: face ${face.id}`}>
                    Not the same person
                  </button>
                </li>
              ))}
            </ul>
          </details>
        ) : null}
        <ErrorNote>{error}</ErrorNote>
      </div>
    </article>
  );
}

export function UnknownsView() {
  const clusters = useUnknowns((s) => s.clusters);
  const loaded = useUnknowns((s) => s.loaded);
  const loading = useUnknowns((s) => s.loading);
  const error = useUnknowns((s) => s.error);
  const problem = useUnknowns((s) => s.snapshotsProblem);
  const lastResult = useUnknowns((s) => s.lastResult);
  const reload = useUnknowns((s) => s.load);

  return (
    <div className="view">
      <div className="view-head">
        <h2>Unknown people</h2>
        <p className="muted">Strangers seen more than once are grouped; review them here. Snapshots are stored encrypted.</p>
        <button type="button" className="btn btn-small" onClick={() => void reload()} disabled={loading}>
          {loading ? 'Refreshing…' : 'Refresh'}
        </button>
      </div>
      <p className="small muted" role="status" aria-live="polite" data-testid="unknowns-status">
        {lastResult ?? ''}
      </p>
      {problem ? <ErrorNote testId="snapshots-problem">{problem}</ErrorNote> : null}
      <ListStatus what="unknown people" error={error} loaded={loaded} count={clusters.length} empty="No unknown people to review." />
      <div className="cluster-grid" data-testid="unknowns-queue">
        {clusters.map((cluster) => (
          <ClusterCard key={cluster.id} cluster={cluster} />
        ))}
      </div>
    </div>
  );
}
