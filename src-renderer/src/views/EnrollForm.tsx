import { useEffect, useId, useRef, useState, type DragEvent, type FormEvent } from 'react';
import { MAX_ENROLL_PHOTOS, RECOMMENDED_MIN_PHOTOS } from '../../../src-preload/contract';
import { ErrorNote } from '../components/Notice';
import { resemblanceWords } from '../lib/people-words';
import { enrollBlocker, useEnrollment } from '../store/enrollment';
import { useMay } from '../store/session';
import { useSystem } from '../store/system';
import { CategoryField } from './CategoryField';
import { PhotoVerdict } from './PhotoVerdicts';

/** Webcam capture in the renderer: a live preview and a button that turns the current frame into a JPEG photo. */
function WebcamCapture({ onCapture, onClose, disabled }: { onCapture: (file: File) => void; onClose: () => void; disabled: boolean }) {
  const video = useRef<HTMLVideoElement>(null);
  const unavailable = !navigator.mediaDevices;
  const [openError, setError] = useState<string | null>(null);
  const error = unavailable ? 'This console has no access to a webcam.' : openError;
  useEffect(() => {
    if (unavailable) return;
    let stream: MediaStream | null = null;
    let cancelled = false;
    navigator.mediaDevices
      .getUserMedia({ video: { width: { ideal: 1280 }, height: { ideal: 720 } }, audio: false })
      .then((s) => {
        if (cancelled) return s.getTracks().forEach((t) => t.stop());
        stream = s;
        if (video.current) video.current.srcObject = s;
      })
      .catch((e: unknown) => setError(`The webcam could not be opened: ${e instanceof Error ? e.message : String(e)}`));
    return () => {
      cancelled = true;
      stream?.getTracks().forEach((t) => t.stop());
    };
  }, [unavailable]);

  function capture() {
    const v = video.current;
    if (!v || !v.videoWidth) return;
    const canvas = document.createElement('canvas');
    canvas.width = v.videoWidth;
    canvas.height = v.videoHeight;
    canvas.getContext('2d')?.drawImage(v, 0, 0);
    canvas.toBlob(
      (blob) => blob && onCapture(new File([blob], `webcam-${new Date().toISOString().replace(/[:.]/g, '-')}.jpg`, { type: 'image/jpeg' })),
      'image/jpeg',
      0.92,
    );
  }

  return (
    <div className="webcam">
      {error ? <ErrorNote>{error}</ErrorNote> : <video ref={video} autoPlay playsInline muted aria-label="Webcam preview" />}
      <div className="actions">
        <button type="button" className="btn btn-small" onClick={capture} disabled={Boolean(error) || disabled}>
          Capture photo
        </button>
        <button type="button" className="btn btn-small btn-ghost" onClick={onClose}>
          Close webcam
        </button>
      </div>
    </div>
  );
}

export function EnrollForm() {
  const s = useEnrollment();
  const status = useSystem((st) => st.status);
  const canOverride = useMay('people.override-duplicate');
  const consentVersion = status?.consentTextVersion ?? '1';
  const [dragging, setDragging] = useState(false);
  const [webcam, setWebcam] = useState(false);
  const fileInput = useRef<HTMLInputElement>(null);
  const ids = { name: useId(), code: useId(), dept: useId(), notes: useId(), photos: useId(), hint: useId(), blocker: useId(), consent: useId(), fewer: useId() };
  const saving = s.state.phase === 'saving';
  const blocker = enrollBlocker(s);
  const usable = s.photos.filter((p) => p.verdict?.used).length;

  function onDrop(event: DragEvent<HTMLDivElement>) {
    event.preventDefault();
    setDragging(false);
    if (!saving) void s.addFiles(Array.from(event.dataTransfer.files));
  }

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    void s.enroll(consentVersion);
  }

  return (
    <form className="panel form" onSubmit={onSubmit} aria-labelledby="enroll-title" noValidate data-testid="enroll-form">
      <h3 id="enroll-title">Enroll a person</h3>
      <div className="field">
        <label htmlFor={ids.name}>Name</label>
        <input id={ids.name} type="text" autoComplete="off" maxLength={120} value={s.draft.name} disabled={saving} onChange={(e) => s.setField('name', e.target.value)} />
      </div>
      <div className="field-row">
        <div className="field">
          <label htmlFor={ids.code}>Employee code</label>
          <input id={ids.code} type="text" autoComplete="off" maxLength={40} value={s.draft.employeeCode} disabled={saving} onChange={(e) => s.setField('employeeCode', e.target.value)} />
        </div>
        <CategoryField value={s.draft.category} disabled={saving} onChange={(v) => s.setField('category', v)} />
      </div>
      <div className="field">
        <label htmlFor={ids.dept}>Department</label>
        <input id={ids.dept} type="text" autoComplete="off" maxLength={80} value={s.draft.department} disabled={saving} onChange={(e) => s.setField('department', e.target.value)} />
      </div>
      <div className="field">
        <label htmlFor={ids.notes}>Notes</label>
        <textarea id={ids.notes} rows={2} maxLength={2000} value={s.draft.notes} disabled={saving} onChange={(e) => s.setField('notes', e.target.value)} />
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
        <label htmlFor={ids.photos}>
          Photos ({RECOMMENDED_MIN_PHOTOS}–{MAX_ENROLL_PHOTOS} images)
        </label>
        <input
          id={ids.photos}
          ref={fileInput}
          type="file"
          accept="image/*"
          multiple
          disabled={saving}
          aria-describedby={ids.hint}
          onChange={(e) => {
            void s.addFiles(Array.from(e.target.files ?? []));
            e.target.value = '';
          }}
        />
        <p id={ids.hint} className="muted small">
          Or drop photos here, or use the webcam. Clear, front-facing photos of this person alone; each photo is checked first. Only the face
          embedding is kept, never the photo.
        </p>
        {webcam ? (
          <WebcamCapture onCapture={(file) => void s.addFiles([file])} onClose={() => setWebcam(false)} disabled={saving} />
        ) : (
          <button type="button" className="btn btn-small" onClick={() => setWebcam(true)} disabled={saving}>
            Use webcam
          </button>
        )}
        {s.photos.length > 0 ? (
          <ul className="chosen outcomes" aria-label="Photo verdicts" data-testid="photo-verdicts">
            {s.photos.map((p) => (
              <li
                key={p.key}
                data-ok={p.verdict === null ? 'pending' : p.verdict.used ? 'true' : 'false'}
                className={p.verdict === null ? '' : p.verdict.used ? 'used' : 'skipped'}
              >
                <span>
                  <span className="outcome-file">{p.file.name}</span> — <PhotoVerdict verdict={p.verdict} />
                </span>
                <button type="button" className="btn btn-small btn-ghost" aria-label={`Remove ${p.file.name}`} disabled={saving} onClick={() => s.removePhoto(p.key)}>
                  Remove
                </button>
              </li>
            ))}
          </ul>
        ) : null}
        {s.checkError ? <ErrorNote testId="photo-check-error">The photos could not be checked. {s.checkError}</ErrorNote> : null}
      </div>
      {usable > 0 && usable < RECOMMENDED_MIN_PHOTOS ? (
        <div className="field field-check">
          <input id={ids.fewer} type="checkbox" checked={s.allowFewer} disabled={saving} onChange={(e) => s.setAllowFewer(e.target.checked)} />
          <label htmlFor={ids.fewer}>Enroll with fewer photos anyway (recognition will be less reliable)</label>
        </div>
      ) : null}
      <div className="field field-check">
        <input id={ids.consent} type="checkbox" checked={s.consent} disabled={saving} onChange={(e) => s.setConsent(e.target.checked)} />
        <label htmlFor={ids.consent}>The person has given consent (consent text version {consentVersion})</label>
      </div>
      <div className="actions">
        <button type="submit" className="btn btn-primary" disabled={blocker !== null} aria-describedby={ids.blocker}>
          {saving ? `Enrolling ${s.draft.name}…` : 'Enroll'}
        </button>
      </div>
      <p id={ids.blocker} className="muted small" data-testid="enroll-blocker">
        {blocker && !saving ? blocker : ''}
      </p>
      <div aria-live="polite" data-testid="enroll-result">
        {s.state.phase === 'done' ? (
          <p className="note note-ok" role="status">
            Enrolled {s.state.person.name} with {s.state.person.templateCount} {s.state.person.templateCount === 1 ? 'face template' : 'face templates'}.
          </p>
        ) : null}
        {s.state.phase === 'done' && s.state.resembles ? (
          <p className="note note-warn" role="alert" data-testid="resemblance-warning">
            {resemblanceWords(s.state.person.name, s.state.resembles)} Check that they are different people; the warning stays on
            both records until someone marks it reviewed.
          </p>
        ) : null}
        {s.state.phase === 'duplicate' ? (
          <div className="note note-warn" role="alert" data-testid="duplicate-warning">
            <p>{s.state.message}.</p>
            {canOverride ? (
              <button type="button" className="btn btn-small btn-danger" onClick={() => void s.enroll(consentVersion, true)}>
                Enroll anyway (a different person)
              </button>
            ) : (
              <p className="small">Only a user allowed to override the duplicate check can save this enrollment.</p>
            )}
          </div>
        ) : null}
        {s.state.phase === 'failed' ? <ErrorNote testId="enroll-error">{s.state.message}</ErrorNote> : null}
      </div>
    </form>
  );
}
