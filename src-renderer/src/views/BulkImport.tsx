import { useId, type FormEvent } from 'react';
import { resemblanceWords } from '../lib/people-words';
import { ErrorNote } from '../components/Notice';
import { useBulkImport } from '../store/bulkImport';
import { useSystem } from '../store/system';
import { getApi } from '../api';

/** Bulk import from a folder (<folder>/<person name>/<photos>) with a progress bar and a per-file report. */
export function BulkImport() {
  const s = useBulkImport();
  const consentVersion = useSystem((st) => st.status?.consentTextVersion ?? '1');
  const folderId = useId();
  const consentId = useId();
  // The desktop app has the OS folder dialog; a browser console types a folder the site allows.
  const canChoose = getApi().pickFolder !== undefined;
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    void s.start(consentVersion);
  };
  return (
    <form className="panel form" onSubmit={onSubmit} aria-labelledby="bulk-title" data-testid="bulk-import">
      <h3 id="bulk-title">Bulk import from a folder</h3>
      <div className="field">
        <label htmlFor={folderId}>Folder on this computer</label>
        <div className="input-with-button">
          <input id={folderId} type="text" value={s.folder} placeholder="/path/to/people" disabled={s.running} onChange={(e) => s.setFolder(e.target.value)} />
          {canChoose ? (
            <button type="button" className="btn btn-ghost" disabled={s.running} onClick={() => void s.chooseFolder()}>
              Choose folder…
            </button>
          ) : null}
        </div>
        <p className="muted small">
          One subfolder per person, named after them, holding their photos.{' '}
          {canChoose
            ? 'Folders the site administrator allows, or one you choose here, can be read.'
            : 'Only folders the site administrator allows can be read.'}
        </p>
      </div>
      <div className="field field-check">
        <input id={consentId} type="checkbox" checked={s.consent} disabled={s.running} onChange={(e) => s.setConsent(e.target.checked)} />
        <label htmlFor={consentId}>
          Everyone in this folder has given consent (consent text version {consentVersion}); it is recorded for each person with your name
        </label>
      </div>
      <div className="actions">
        <button type="submit" className="btn" disabled={s.running || !s.folder.trim() || !s.consent}>
          {s.running ? 'Importing…' : 'Import'}
        </button>
      </div>
      {s.running ? (
        <div>
          <progress max={s.progress?.total ?? 1} value={s.progress?.done ?? 0} aria-label="Import progress" />
          <p className="small muted" aria-live="polite">
            {s.progress ? `${s.progress.done} of ${s.progress.total} people${s.progress.current ? ` (last: ${s.progress.current})` : ''}` : 'Starting…'}
          </p>
        </div>
      ) : null}
      {s.error ? <ErrorNote>{s.error}</ErrorNote> : null}
      {s.report ? (
        <div aria-live="polite" data-testid="bulk-report">
          <p className="note note-ok" role="status">
            Enrolled {s.report.personsEnrolled} of {s.report.persons.length} people from {s.report.photosUsed} photos; {s.report.photosSkipped} skipped.
          </p>
          {s.report.persons.some((p) => p.resembles) ? (
            <div className="note note-warn" role="alert" data-testid="bulk-resemblances">
              <p>Enrolled with a warning (check that they are different people; the warning stays on their records until reviewed):</p>
              <ul>
                {s.report.persons.map((p) => (p.resembles ? <li key={p.name}>{resemblanceWords(p.name, p.resembles)}</li> : null))}
              </ul>
            </div>
          ) : null}
          <ul className="outcomes" aria-label="Import report">
            {s.report.files.map((f, index) => (
              <li key={`${f.file}-${index}`} className={f.used ? 'used' : 'skipped'} data-used={f.used ? 'true' : 'false'}>
                <span className="outcome-file">{f.file}</span>
                <span className="outcome-word">{f.used ? ' — used' : ` — skipped: ${f.reason ?? f.code ?? 'skipped'}`}</span>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </form>
  );
}
