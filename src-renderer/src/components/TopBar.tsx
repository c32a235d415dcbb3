import { useEffect, useId, useState, type FormEvent } from 'react';
import { MIN_PASSWORD_LENGTH } from '../../../src-preload/contract';
import { useConnection } from '../store/connection';
import { useSession } from '../store/session';
import { modelProblemText, useSystem } from '../store/system';

function ModelsBadge() {
  const status = useSystem((s) => s.status);
  const error = useSystem((s) => s.error);
  if (!status) {
    return (
      <span className="badge badge-muted" data-testid="models-status" data-ready="unknown" title={error ?? undefined}>
        {error ? 'Model status unavailable' : 'Checking models…'}
      </span>
    );
  }
  if (status.modelsReady) {
    const ids = [status.detectorId, status.embedderId].filter(Boolean).join(' + ');
    return (
      <span className="badge badge-ok" data-testid="models-status" data-ready="true" title={ids ? `Models: ${ids}` : undefined}>
        Models ready
      </span>
    );
  }
  return (
    <span className="badge badge-bad" data-testid="models-status" data-ready="false" aria-describedby="models-problem">
      Models missing
    </span>
  );
}

const withFullStop = (text: string) => (/[.!?]$/.test(text.trim()) ? text.trim() : `${text.trim()}.`);

/** The plain-words reason the model pack is not usable, full width under the top bar. */
export function ModelsAlert() {
  const status = useSystem((s) => s.status);
  if (!status || status.modelsReady) return null;
  return (
    <div className="banner banner-error" role="alert" id="models-problem" data-testid="models-problem">
      <span>
        <strong>Models missing:</strong> {withFullStop(modelProblemText(status))}
        <span className="muted-inline"> Recognition is off until this is fixed; cameras and people can still be managed.</span>
      </span>
    </div>
  );
}

/** The remote matcher's health, when the site switched one on (local sites show nothing). */
function MatcherBadge() {
  const matcher = useSystem((s) => s.status?.matcher);
  const remote = matcher !== undefined && matcher.mode !== 'local';
  useEffect(() => {
    if (!remote) return;
    // Health changes without an event (the service goes away): read it again now and then.
    const timer = setInterval(() => void useSystem.getState().load(), 30_000);
    return () => clearInterval(timer);
  }, [remote]);
  if (!matcher || matcher.mode === 'local') return null;
  const queued = matcher.jobsQueued > 0 ? ` · ${matcher.jobsQueued} queued` : '';
  return (
    <span
      className={`badge ${matcher.online ? 'badge-neutral' : 'badge-warn'}`}
      data-testid="matcher-status"
      data-online={String(matcher.online)}
      title={matcher.lastError?.message ?? `Face matcher: ${matcher.mode}`}
    >
      {matcher.online ? `Rekognition (${matcher.mode})${queued}` : `Rekognition offline: matching locally${queued}`}
    </span>
  );
}

function ConnectionBadge() {
  const info = useConnection((s) => s.info);
  if (info.transport === 'electron') return null;
  const words = { open: 'Connected', connecting: 'Connecting…', closed: 'Offline' } as const;
  const tone = { open: 'badge-ok', connecting: 'badge-muted', closed: 'badge-bad' } as const;
  return (
    <span className={`badge ${tone[info.state]}`} data-testid="connection-status" data-state={info.state}>
      {words[info.state]}
    </span>
  );
}

export function TopBar() {
  const status = useSystem((s) => s.status);
  const provider = status?.executionProvider;
  return (
    <header className="topbar">
      <div className="brand">
        <span className="brand-mark" aria-hidden="true" />
        <h1>Vigil</h1>
        {status?.version ? <span className="version">v{status.version}</span> : null}
      </div>
      <div className="badges" aria-label="System status" role="group">
        <ModelsBadge />
        <MatcherBadge />
        {status ? (
          <span
            className={`badge ${status.executionProviderNote ? 'badge-warn' : provider ? 'badge-neutral' : 'badge-muted'}`}
            data-testid="execution-provider"
            title={status.executionProviderNote ?? 'ONNX Runtime execution provider'}
          >
            {provider ? provider.replace(/ExecutionProvider$/i, '').toUpperCase() : 'No inference running'}
            {status.executionProviderNote ? <span className="sr-only"> ({status.executionProviderNote})</span> : null}
          </span>
        ) : null}
        {status?.ffmpeg ? (
          <span
            className={`badge ${status.ffmpeg.problem ? 'badge-warn' : 'badge-neutral'}`}
            data-testid="ffmpeg-version"
            title={status.ffmpeg.problem ?? `ffmpeg decodes the cameras: ${status.ffmpeg.path ?? ''}`}
          >
            ffmpeg {status.ffmpeg.version ?? 'missing'}
            {status.ffmpeg.problem ? <span className="sr-only"> ({status.ffmpeg.problem})</span> : null}
          </span>
        ) : null}
        <ConnectionBadge />
      </div>
      <OperatorBadge />
    </header>
  );
}

/** Who is signed in, their role, and Sign out. */
function OperatorBadge() {
  const operator = useSession((s) => s.operator);
  const signOut = useSession((s) => s.signOut);
  if (!operator) return null;
  return (
    <div className="operator-badge" role="group" aria-label="Signed in">
      <span data-testid="signed-in-as">
        {operator.displayName} <span className="badge badge-neutral" data-testid="signed-in-role">{operator.role}</span>
      </span>
      <ChangePassword />
      <button type="button" className="btn btn-small" onClick={() => void signOut()}>
        Sign out
      </button>
    </div>
  );
}

/** One's own password: the current one, then the new one twice. */
function ChangePassword() {
  const [open, setOpen] = useState(false);
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [again, setAgain] = useState('');
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const id = useId();
  async function submit(event: FormEvent) {
    event.preventDefault();
    if (next.length < MIN_PASSWORD_LENGTH) return setMessage({ ok: false, text: `The new password needs at least ${MIN_PASSWORD_LENGTH} characters.` });
    if (next !== again) return setMessage({ ok: false, text: 'The two new passwords are not the same.' });
    setBusy(true);
    const problem = await useSession.getState().changePassword(current, next);
    setBusy(false);
    setMessage(problem ? { ok: false, text: problem } : { ok: true, text: 'Your password is changed.' });
    if (!problem) {
      setCurrent('');
      setNext('');
      setAgain('');
    }
  }
  if (!open) {
    return (
      <button type="button" className="btn btn-small btn-ghost" onClick={() => (setOpen(true), setMessage(null))}>
        Change password…
      </button>
    );
  }
  return (
    <div className="modal-backdrop">
      <form
        className="panel form modal"
        role="dialog"
        aria-modal="true"
        aria-labelledby={`${id}-title`}
        onSubmit={(e) => void submit(e)}
        onKeyDown={(e) => {
          if (e.key === 'Escape') setOpen(false);
        }}
      >
        <h3 id={`${id}-title`}>Change your password</h3>
        {message ? <p className={`note ${message.ok ? 'note-ok' : 'note-error'}`} role={message.ok ? 'status' : 'alert'}>{message.text}</p> : null}
        <div className="field">
          <label htmlFor={`${id}-current`}>Current password</label>
          <input id={`${id}-current`} type="password" autoComplete="current-password" autoFocus value={current} onChange={(e) => setCurrent(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor={`${id}-next`}>New password</label>
          <input id={`${id}-next`} type="password" autoComplete="new-password" value={next} onChange={(e) => setNext(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor={`${id}-again`}>New password again</label>
          <input id={`${id}-again`} type="password" autoComplete="new-password" value={again} onChange={(e) => setAgain(e.target.value)} />
        </div>
        <div className="actions">
          <button type="submit" className="btn btn-primary" disabled={busy || !current || !next}>
            Change password
          </button>
          <button type="button" className="btn" onClick={() => setOpen(false)}>
            Close
          </button>
        </div>
      </form>
    </div>
  );
}
