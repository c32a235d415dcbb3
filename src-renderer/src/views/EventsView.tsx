import { ListStatus } from '../components/Notice';
import { formatTime, formatVideoSpan, statusWords, visitScoreText } from '../lib/format';
import { useSightings } from '../store/sightings';
import { FaceSearch, LastSeenSearch, SnapshotSearchButton } from './FindPerson';

export function EventsView() {
  const items = useSightings((s) => s.items);
  const loaded = useSightings((s) => s.loaded);
  const loading = useSightings((s) => s.loading);
  const error = useSightings((s) => s.error);
  const reload = useSightings((s) => s.load);

  return (
    <div className="view">
      <div className="view-head">
        <h2>Events</h2>
        <p className="muted">One row per visit, newest first. Updates live.</p>
        <button type="button" className="btn btn-small" onClick={() => void reload()} disabled={loading}>
          {loading ? 'Refreshing…' : 'Refresh'}
        </button>
      </div>
      <div className="find-person">
        <LastSeenSearch />
        <FaceSearch />
      </div>
      <h3>All visits</h3>
      <ListStatus what="sightings" error={error} loaded={loaded} count={items.length} empty="No sightings yet. Faces seen by running cameras appear here." />
      {items.length > 0 ? (
        <div className="table-wrap">
          <table className="table" data-testid="sightings-table">
            <caption className="sr-only">Sightings, newest first</caption>
            <thead>
              <tr>
                <th scope="col">First seen</th>
                <th scope="col">Last seen</th>
                <th scope="col">Camera</th>
                <th scope="col">Person</th>
                <th scope="col">Status</th>
                <th scope="col" className="num" title="Similarity to the person the visit was named as">Match</th>
                <th scope="col" className="num">Frames</th>
                <th scope="col">
                  <span className="sr-only">Face</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {items.map((s) => (
                <tr key={s.id} data-status={s.status} className={`row-${s.status}`}>
                  <td>
                    <time dateTime={s.firstSeen}>{formatTime(s.firstSeen)}</time>
                  </td>
                  <td>
                    <time dateTime={s.lastSeen}>{formatTime(s.lastSeen)}</time>
                  </td>
                  <td>
                    {s.cameraName}
                    {s.videoStartS !== null ? (
                      <span className="muted small" title="Where this visit is in the video file">
                        {' '}
                        {formatVideoSpan(s.videoStartS, s.videoEndS)}
                      </span>
                    ) : null}
                  </td>
                  <th scope="row" className="person-cell">
                    {s.personName ?? 'Unknown'}
                  </th>
                  <td>
                    <span className={`pill pill-${s.status}`}>{statusWords[s.status]}</span>
                  </td>
                  <td className="num">{visitScoreText(s)}</td>
                  <td className="num">{s.frames}</td>
                  <td>
                    <SnapshotSearchButton sighting={s} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </div>
  );
}
