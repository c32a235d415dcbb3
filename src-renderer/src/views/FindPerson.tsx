import { useId, useState, type DragEvent, type FormEvent } from 'react';
import type { FaceSearchMatch, Sighting } from '../../../src-preload/contract';
import { ErrorNote } from '../components/Notice';
import { filesToPhotos, MAX_PHOTO_BYTES, MAX_PHOTO_MB } from '../lib/files';
import { formatScore, formatTime, formatVideoSpan } from '../lib/format';
import { useCameras } from '../store/cameras';
import { subjectTitle, useFaceSearch, useLastSeen } from '../store/findPerson';
import { usePeople } from '../store/people';
import { useSystem } from '../store/system';

/** Switches tab the way the tab bar does (the App follows the hash). */
function goTo(tab: 'people' | 'unknowns' | 'live' | 'events'): void {
  window.location.hash = tab;
}

function openPerson(personId: number): void {
  usePeople.getState().select(personId);
  goTo('people');
}

/** Highlights the camera on the Live wall (with who it saw) and shows the wall. */
export function openCamera(cameraId: number, seen: string | null): void {
  useLastSeen.getState().highlightCamera(cameraId, seen);
  goTo('live');
}

/**
 * "Search by this face" for a visit whose face snapshot is kept: the engine decrypts it and searches
 * like a photo. Offered only with the people.search-face permission; the answer is on the Events tab.
 */
export function SnapshotSearchButton({ sighting }: { sighting: Sighting }) {
  const permissions = useSystem((s) => s.status?.caller?.permissions);
  if (!sighting.hasSnapshot || (permissions && !permissions.includes('people.search-face'))) return null;
  return (
    <button
      type="button"
      className="btn btn-small"
      data-testid="snapshot-search"
      aria-label={`Search by this face: the visit on ${sighting.cameraName} at ${formatTime(sighting.lastSeen)}`}
      onClick={() => {
        goTo('events');
        void useFaceSearch.getState().searchSightingSnapshot(sighting.id);
        requestAnimationFrame(() => document.querySelector<HTMLElement>('[data-testid="face-search"] h3')?.scrollIntoView({ block: 'start' }));
      }}
    >
      Search by this face
    </button>
  );
}

export function duration(s: Sighting): string {
  const seconds = Math.max(0, Math.round((Date.parse(s.lastSeen) - Date.parse(s.firstSeen)) / 1000));
  return seconds < 60 ? `${seconds} s` : `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
}

/**
 * A subject's sightings, newest first: camera, first and last seen, how long, where in the video file.
 * `who`: the subject's name, the label the wall puts on a camera picked here.
 */
export function SightingsTable({ sightings, caption, who }: { sightings: Sighting[]; caption: string; who: string }) {
  if (sightings.length === 0) return <p className="muted small">No sightings (in this time range and on these cameras).</p>;
  return (
    <table className="table table-compact" data-testid="found-sightings">
      <caption className="sr-only">{caption}</caption>
      <thead>
        <tr>
          <th scope="col">Camera</th>
          <th scope="col">First seen</th>
          <th scope="col">Last seen</th>
          <th scope="col">For</th>
          <th scope="col">Video time</th>
          <th scope="col">
            <span className="sr-only">Face</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {sightings.map((s) => (
          <tr key={s.id}>
            <td>
              {s.cameraId > 0 ? (
                <button type="button" className="link" onClick={() => openCamera(s.cameraId, who)} aria-label={`Show camera ${s.cameraName} on the Live wall`}>
                  {s.cameraName}
                </button>
              ) : (
                s.cameraName
              )}
            </td>
            <td>
              <time dateTime={s.firstSeen}>{formatTime(s.firstSeen)}</time>
            </td>
            <td>
              <time dateTime={s.lastSeen}>{formatTime(s.lastSeen)}</time>
            </td>
            <td>{duration(s)}</td>
            <td>{s.videoStartS !== null ? formatVideoSpan(s.videoStartS, s.videoEndS) : '—'}</td>
            <td>
              <SnapshotSearchButton sighting={s} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** "When was X last seen": name, employee code, id or an unknown person's #number. */
export function LastSeenSearch() {
  const id = useId();
  const query = useLastSeen((s) => s.query);
  const answers = useLastSeen((s) => s.answers);
  const answeredQuery = useLastSeen((s) => s.answeredQuery);
  const loading = useLastSeen((s) => s.loading);
  const error = useLastSeen((s) => s.error);
  const setQuery = useLastSeen((s) => s.setQuery);
  const search = useLastSeen((s) => s.search);
  const clear = useLastSeen((s) => s.clear);

  function submit(event: FormEvent) {
    event.preventDefault();
    void search();
  }

  return (
    <section className="find-section" aria-labelledby={`${id}-title`} data-testid="last-seen">
      <h3 id={`${id}-title`}>When was … last seen?</h3>
      <form className="filters" role="search" aria-label="When was someone last seen" onSubmit={submit}>
        <div className="field">
          <label htmlFor={`${id}-query`}>Name, employee code or unknown #</label>
          <input
            id={`${id}-query`}
            type="search"
            value={query}
            placeholder="e.g. Ada Lovelace, E-044 or #12"
            autoComplete="off"
            maxLength={200}
            onChange={(e) => setQuery(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Escape') clear();
            }}
          />
        </div>
        <button type="submit" className="btn btn-small" disabled={loading || !query.trim()}>
          {loading ? 'Searching…' : 'Find'}
        </button>
      </form>
      {error ? <ErrorNote>{error}</ErrorNote> : null}
      {answeredQuery !== null && answers.length === 0 && !error ? (
        <p className="muted" role="status">
          Nobody called or coded “{answeredQuery}”, and no unknown person with that number.
        </p>
      ) : null}
      {answers.map((answer) => {
        const subject = answer.subject;
        const key = subject.kind === 'member' ? `m${subject.personId}` : `u${subject.clusterId}`;
        const title = subjectTitle(subject);
        const latest = answer.sightings[0];
        return (
          <article key={key} className="found-subject" data-testid="last-seen-subject">
            <header>
              <h4>{title}</h4>
              <p className="muted small" data-testid="last-seen-summary">
                {latest ? (
                  <>
                    Last seen <time dateTime={latest.lastSeen}>{formatTime(latest.lastSeen)}</time> on {latest.cameraName}
                  </>
                ) : (
                  'Not seen yet'
                )}
              </p>
              {subject.kind === 'member' ? (
                <button type="button" className="btn btn-small" onClick={() => openPerson(subject.personId)}>
                  Open person
                </button>
              ) : (
                <button type="button" className="btn btn-small" onClick={() => goTo('unknowns')}>
                  Review unknowns
                </button>
              )}
            </header>
            <SightingsTable sightings={answer.sightings} caption={`Sightings of ${title}, newest first`} who={title} />
          </article>
        );
      })}
    </section>
  );
}

function matchTitle(m: FaceSearchMatch): string {
  return m.kind === 'member' ? m.name : `Unknown person #${m.clusterId}`;
}

/** Search by face: a photo (picked or dropped), its faces largest first, candidates best first. */
export function FaceSearch() {
  const id = useId();
  const permissions = useSystem((s) => s.status?.caller?.permissions);
  const cameras = useCameras((s) => s.cameras);
  const photo = useFaceSearch((s) => s.photo);
  const snapshotSightingId = useFaceSearch((s) => s.snapshotSightingId);
  const filters = useFaceSearch((s) => s.filters);
  const result = useFaceSearch((s) => s.result);
  const loading = useFaceSearch((s) => s.loading);
  const error = useFaceSearch((s) => s.error);
  const setFilters = useFaceSearch((s) => s.setFilters);
  const searchPhoto = useFaceSearch((s) => s.searchPhoto);
  const chooseFace = useFaceSearch((s) => s.chooseFace);
  const again = useFaceSearch((s) => s.again);
  const clear = useFaceSearch((s) => s.clear);
  const [dragging, setDragging] = useState(false);
  const [readProblem, setReadProblem] = useState<string | null>(null);

  // Searching by face is its own permission: without it the section is not offered at all.
  if (permissions && !permissions.includes('people.search-face')) return null;

  async function searchWithFile(file: File | undefined) {
    setReadProblem(null);
    if (!file) return;
    if (file.size > MAX_PHOTO_BYTES) {
      setReadProblem(`${file.name} is larger than ${MAX_PHOTO_MB} MB.`);
      return;
    }
    try {
      const [input] = await filesToPhotos([file]);
      if (input) await searchPhoto(input);
    } catch (problem) {
      setReadProblem(problem instanceof Error ? problem.message : String(problem));
    }
  }

  function onDrop(event: DragEvent) {
    event.preventDefault();
    setDragging(false);
    void searchWithFile(event.dataTransfer.files[0]);
  }

  return (
    <section className="find-section" aria-labelledby={`${id}-title`} data-testid="face-search">
      <h3 id={`${id}-title`}>Search by face</h3>
      <div
        className={`dropzone${dragging ? ' dragging' : ''}`}
        onDragOver={(e) => {
          e.preventDefault();
          e.dataTransfer.dropEffect = 'copy';
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
      >
        <label htmlFor={`${id}-photo`}>Photo of the person</label>
        <input
          id={`${id}-photo`}
          type="file"
          accept="image/*"
          aria-describedby={`${id}-hint`}
          disabled={loading}
          onChange={(e) => {
            void searchWithFile(e.target.files?.[0]);
            e.target.value = '';
          }}
        />
        <p id={`${id}-hint`} className="muted small">
          Or drop a photo here (a police photo, a still from another camera). It is compared with everyone enrolled and every unknown person still
          kept; the photo is not stored, and the search is recorded in the audit trail.
        </p>
      </div>
      <fieldset className="filters">
        <legend className="sr-only">Search filters</legend>
        <div className="field">
          <label htmlFor={`${id}-from`}>From</label>
          <input id={`${id}-from`} type="datetime-local" value={filters.from} onChange={(e) => setFilters({ from: e.target.value })} />
        </div>
        <div className="field">
          <label htmlFor={`${id}-to`}>To</label>
          <input id={`${id}-to`} type="datetime-local" value={filters.to} onChange={(e) => setFilters({ to: e.target.value })} />
        </div>
        {cameras.length > 0 ? (
          <div className="field">
            <label htmlFor={`${id}-cameras`}>Cameras</label>
            <select
              id={`${id}-cameras`}
              multiple
              size={Math.min(4, cameras.length)}
              value={filters.cameras}
              onChange={(e) => setFilters({ cameras: Array.from(e.target.selectedOptions, (o) => o.value) })}
            >
              {cameras.map((c) => (
                <option key={c.id} value={c.name}>
                  {c.name}
                </option>
              ))}
            </select>
          </div>
        ) : null}
        {result ? (
          <button type="button" className="btn btn-small" onClick={() => void again()} disabled={loading}>
            Search again with these filters
          </button>
        ) : null}
      </fieldset>
      {snapshotSightingId !== null ? (
        <p className="small" data-testid="face-search-probe">
          Searching with the face kept from visit {snapshotSightingId} (its snapshot is read for this search only; its own unknown person is left out).
        </p>
      ) : null}
      {readProblem ? <ErrorNote>{readProblem}</ErrorNote> : null}
      {error ? <ErrorNote>{error}</ErrorNote> : null}
      {loading ? (
        <p className="muted" role="status">
          Searching…
        </p>
      ) : null}
      {result && result.faces.length > 1 ? (
        <div className="face-choice" role="group" aria-label="Faces in the photo, largest first">
          <p className="small">
            {result.faces.length} faces in {photo?.fileName ?? (snapshotSightingId !== null ? 'the snapshot' : 'the photo')}; searching for face {(result.chosenFace ?? 0) + 1}. Choose another:
          </p>
          {result.faces.map((face) => (
            <button
              key={face.index}
              type="button"
              className="btn btn-small"
              aria-pressed={face.index === result.chosenFace}
              disabled={loading}
              onClick={() => void chooseFace(face.index)}
            >
              Face {face.index + 1}
              {face.index === 0 ? ' (largest)' : ''}
            </button>
          ))}
        </div>
      ) : null}
      {result && !loading ? (
        result.matches.length === 0 ? (
          <p className="muted" role="status" data-testid="face-search-none">
            Nobody enrolled and no unknown person looks like this face (similarity {formatScore(result.threshold)} or more).
          </p>
        ) : (
          <ol className="found-list" aria-label="Candidates, best first" data-testid="face-search-results">
            {result.matches.map((m) => (
              <li key={m.kind === 'member' ? `m${m.personId}` : `u${m.clusterId}`} className="found-subject" data-testid="face-search-match">
                <header>
                  <h4>
                    {matchTitle(m)} <span className="muted small">similarity {formatScore(m.score)}</span>
                  </h4>
                  {m.kind === 'member' ? (
                    <button type="button" className="btn btn-small" onClick={() => openPerson(m.personId)} aria-label={`Open ${m.name}`}>
                      Open person
                    </button>
                  ) : (
                    <button type="button" className="btn btn-small" onClick={() => goTo('unknowns')} aria-label={`Review unknown person #${m.clusterId}`}>
                      Review card
                    </button>
                  )}
                </header>
                <SightingsTable sightings={m.sightings} caption={`Sightings of ${matchTitle(m)}, newest first`} who={matchTitle(m)} />
              </li>
            ))}
          </ol>
        )
      ) : null}
      {result || photo || snapshotSightingId !== null ? (
        <button type="button" className="btn btn-small" onClick={clear}>
          Clear search
        </button>
      ) : null}
    </section>
  );
}
