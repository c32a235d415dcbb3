import { useId, useRef, useState, type DragEvent, type FormEvent } from 'react';
import { errorExplanations, errorCodes, type ErrorCode, type PhotoOutcome } from '../../../src-preload/contract';
import { ErrorNote } from '../components/Notice';
import { MAX_PHOTOS, usePeople } from '../store/people';

function outcomeReason(outcome: PhotoOutcome): string {
  if (outcome.reason?.trim()) return outcome.reason.trim();
  if (outcome.code && (errorCodes as readonly string[]).includes(outcome.code)) {
    return errorExplanations[outcome.code as ErrorCode];
  }
  return 'this photo could not be used';
}

function PhotoOutcomes({ photos }: { photos: PhotoOutcome[] }) {
  if (!photos.length) return null;
  return (
    <ul className="outcomes" aria-label="Photo results" data-testid="enroll-photo-results">
      {photos.map((p, index) => (
        <li key={`${p.fileName}-${index}`} data-used={p.used ? 'true' : 'false'} className={p.used ? 'used' : 'skipped'}>
          <span className="outcome-file">{p.fileName}</span>
          <span className="outcome-word">{p.used ? ' — used' : ` — skipped: ${outcomeReason(p)}`}</span>
        </li>
      ))}
    </ul>
  );
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

export function EnrollForm() {
  const enroll = usePeople((s) => s.enroll);
  const enrollPerson = usePeople((s) => s.enrollPerson);
  const resetEnroll = usePeople((s) => s.resetEnroll);
  const [name, setName] = useState('');
  const [files, setFiles] = useState<File[]>([]);
  const [dragging, setDragging] = useState(false);
  const fileInput = useRef<HTMLInputElement>(null);
  const nameInput = useRef<HTMLInputElement>(null);
  const ids = { name: useId(), photos: useId(), hint: useId() };
  const running = enroll.phase === 'running';

  function addFiles(list: FileList | null, replace: boolean) {
    const incoming = list ? Array.from(list) : [];
    setFiles((current) => (replace ? incoming : [...current, ...incoming]));
    resetEnroll();
  }

  function onDrop(event: DragEvent<HTMLDivElement>) {
    event.preventDefault();
    setDragging(false);
    if (!running) addFiles(event.dataTransfer.files, false);
  }

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (running) return;
    const submitted = { name, files };
    const ok = await enrollPerson(name, files);
    if (ok) {
      // Only clear what was submitted: never wipe what was chosen while waiting.
      setName((current) => (current === submitted.name ? '' : current));
      setFiles((current) => {
        if (current !== submitted.files) return current;
        if (fileInput.current) fileInput.current.value = '';
        return [];
      });
      nameInput.current?.focus();
    }
  }

  const tooMany = files.length > MAX_PHOTOS;

  return (
    <form className="panel form" onSubmit={onSubmit} aria-labelledby="enroll-title" noValidate data-testid="enroll-form">
      <h3 id="enroll-title">Enroll a person</h3>
      <div className="field">
        <label htmlFor={ids.name}>Name</label>
        <input
          id={ids.name}
          ref={nameInput}
          type="text"
          autoComplete="off"
          maxLength={120}
          value={name}
          disabled={running}
          onChange={(e) => {
            setName(e.target.value);
            if (enroll.phase === 'failed') resetEnroll();
          }}
        />
      </div>
      <div
        className={`dropzone${dragging ? ' dragging' : ''}`}
        onDragOver={(e) => {
          e.preventDefault();
          e.dataTransfer.dropEffect = 'copy';
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
        data-testid="enroll-dropzone"
      >
        <label htmlFor={ids.photos}>Photos (1–5 images)</label>
        <input
          id={ids.photos}
          ref={fileInput}
          type="file"
          accept="image/*"
          multiple
          disabled={running}
          aria-describedby={ids.hint}
          onChange={(e) => addFiles(e.target.files, true)}
        />
        <p id={ids.hint} className="muted small">
          Or drop photos here. Clear, front-facing photos of one person work best; only the face embedding is kept, never the
          photo.
        </p>
        {files.length > 0 ? (
          <ul className="chosen" aria-label="Chosen photos">
            {files.map((file, index) => (
              <li key={`${file.name}-${index}`}>
                <span>
                  {file.name} <span className="muted">({formatBytes(file.size)})</span>
                </span>
                <button
                  type="button"
                  className="btn btn-small btn-ghost"
                  aria-label={`Remove ${file.name} from the chosen photos`}
                  disabled={running}
                  onClick={() => {
                    setFiles((current) => current.filter((_, i) => i !== index));
                    if (fileInput.current) fileInput.current.value = '';
                  }}
                >
                  Remove
                </button>
              </li>
            ))}
          </ul>
        ) : null}
        {tooMany ? (
          <p className="note note-warn">
            {files.length} photos chosen: at most {MAX_PHOTOS} are allowed. Remove {files.length - MAX_PHOTOS}.
          </p>
        ) : null}
      </div>
      <div className="actions">
        <button type="submit" className="btn btn-primary" disabled={running}>
          {running ? `Enrolling ${enroll.name}…` : 'Enroll'}
        </button>
      </div>
      <div aria-live="polite" data-testid="enroll-result">
        {enroll.phase === 'running' ? (
          <p className="note">Reading {enroll.fileCount} {enroll.fileCount === 1 ? 'photo' : 'photos'} and computing face embeddings…</p>
        ) : null}
        {enroll.phase === 'done' && enroll.person ? (
          <p className="note note-ok" role="status">
            Enrolled {enroll.person.name} with {enroll.person.templateCount}{' '}
            {enroll.person.templateCount === 1 ? 'face template' : 'face templates'}.
          </p>
        ) : null}
        {enroll.phase === 'failed' ? <ErrorNote testId="enroll-error">{enroll.message}</ErrorNote> : null}
        {(enroll.phase === 'done' || enroll.phase === 'failed') && enroll.photos ? <PhotoOutcomes photos={enroll.photos} /> : null}
      </div>
    </form>
  );
}
