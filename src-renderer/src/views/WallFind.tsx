/**
 * The Live wall's "find a person" box: name, employee code or an unknown person's #number. The
 * answer (the same last-seen slice as the Events tab) opens over the wall, newest sightings first,
 * and the latest camera's tile is outlined and labelled. Esc clears both.
 */
import { useId, type FormEvent } from 'react';
import { ErrorNote } from '../components/Notice';
import { formatTime } from '../lib/format';
import { subjectTitle, useLastSeen } from '../store/findPerson';
import { SightingsTable } from './FindPerson';

/** Puts the keyboard on a camera's tile (after the wall has re-rendered to show it). */
export function focusCameraTile(cameraId: number): void {
  requestAnimationFrame(() => document.querySelector<HTMLElement>(`[data-testid="camera-tile-${cameraId}"]`)?.focus());
}

/** The search box in the wall's toolbar. */
export function WallFindBox() {
  const id = useId();
  const query = useLastSeen((s) => s.query);
  const loading = useLastSeen((s) => s.loading);

  function submit(event: FormEvent) {
    event.preventDefault();
    void useLastSeen.getState().search();
  }

  return (
    <form className="wall-find" role="search" aria-label="Find a person on the wall" onSubmit={submit} data-testid="wall-find">
      <label htmlFor={`${id}-q`} className="sr-only">
        Find a person: name, employee code or unknown #
      </label>
      <input
        id={`${id}-q`}
        type="search"
        value={query}
        placeholder="Find: name, code or #12"
        autoComplete="off"
        maxLength={200}
        aria-keyshortcuts="Escape"
        onChange={(e) => useLastSeen.getState().setQuery(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Escape') {
            // Handled here: the wall's own Esc (leave maximised or fullscreen) is not what was meant.
            e.stopPropagation();
            e.nativeEvent.stopImmediatePropagation();
            useLastSeen.getState().clear();
          }
        }}
      />
      <button type="submit" className="btn btn-small" disabled={loading || !query.trim()}>
        {loading ? 'Finding…' : 'Find'}
      </button>
    </form>
  );
}

/** The answer over the wall: each person found, when and where last seen, their sightings newest first. */
export function WallFindResults() {
  const id = useId();
  const answers = useLastSeen((s) => s.answers);
  const answeredQuery = useLastSeen((s) => s.answeredQuery);
  const error = useLastSeen((s) => s.error);
  const highlightCameraId = useLastSeen((s) => s.highlightCameraId);
  if (answeredQuery === null && !error) return null;

  return (
    <section className="wall-find-results" aria-labelledby={`${id}-title`} data-testid="wall-find-results">
      <header className="wall-find-head">
        <h2 id={`${id}-title`}>{answeredQuery !== null ? `Last seen: “${answeredQuery}”` : 'Find a person'}</h2>
        <button type="button" className="btn btn-small" onClick={() => useLastSeen.getState().clear()} aria-keyshortcuts="Escape">
          Close <span className="muted small">(Esc)</span>
        </button>
      </header>
      {error ? <ErrorNote>{error}</ErrorNote> : null}
      {answeredQuery !== null && answers.length === 0 && !error ? (
        <p className="muted" role="status">
          Nobody called or coded “{answeredQuery}”, and no unknown person with that number.
        </p>
      ) : null}
      {answers.map((answer) => {
        const title = subjectTitle(answer.subject);
        const latest = answer.sightings[0];
        const key = answer.subject.kind === 'member' ? `m${answer.subject.personId}` : `u${answer.subject.clusterId}`;
        return (
          <article key={key} className="found-subject" data-testid="wall-find-subject">
            <h3>{title}</h3>
            <p className="small" data-testid="wall-find-summary" role="status">
              {latest ? (
                <>
                  Last seen <time dateTime={latest.lastSeen}>{formatTime(latest.lastSeen)}</time> on {latest.cameraName}
                  {latest.cameraId > 0 && latest.cameraId === highlightCameraId ? ' (outlined on the wall)' : ''}
                </>
              ) : (
                'Not seen yet'
              )}
            </p>
            {latest && latest.cameraId > 0 ? (
              <button
                type="button"
                className="btn btn-small"
                onClick={() => {
                  useLastSeen.getState().highlightCamera(latest.cameraId, title);
                  focusCameraTile(latest.cameraId);
                }}
              >
                Go to {latest.cameraName}
              </button>
            ) : null}
            <SightingsTable sightings={answer.sightings} caption={`Sightings of ${title}, newest first`} who={title} />
          </article>
        );
      })}
    </section>
  );
}
