import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { MIN_PASSWORD_LENGTH } from '../../../src-preload/contract';
import { ErrorNote } from '../components/Notice';
import { useSession } from '../store/session';

function SignInShell({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <div className="signin-screen">
      <main className="panel form signin-panel" aria-labelledby="signin-title">
        <div className="brand">
          <span className="brand-mark" aria-hidden="true" />
          <h1 id="signin-title">{title}</h1>
        </div>
        {children}
      </main>
    </div>
  );
}

/** Sign-in, and the lock screen after inactivity (the console waits underneath). */
export function SignInScreen() {
  const phase = useSession((s) => s.phase);
  const lockedFor = useSession((s) => s.lockedFor);
  const error = useSession((s) => s.error);
  const lockoutHint = useSession((s) => s.lockoutHint);
  const busy = useSession((s) => s.busy);
  const signIn = useSession((s) => s.signIn);
  const [name, setName] = useState(phase === 'locked' ? (lockedFor ?? '') : '');
  const [password, setPassword] = useState('');
  const ids = { name: useId(), password: useId(), error: useId() };
  const passwordRef = useRef<HTMLInputElement>(null);
  const nameRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    (phase === 'locked' && lockedFor ? passwordRef : nameRef).current?.focus();
  }, [phase, lockedFor]);
  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!name.trim() || !password) return;
    await signIn(name.trim(), password);
    // Still here: the attempt failed; the password is cleared and the cursor put back in it.
    setPassword('');
    passwordRef.current?.focus();
  }

  return (
    <SignInShell title={phase === 'locked' ? 'Vigil is locked' : 'Sign in to Vigil'}>
      <form onSubmit={(e) => void submit(e)} aria-describedby={error ? ids.error : undefined} data-testid="sign-in-form" noValidate>
        {error ? (
          <ErrorNote testId="sign-in-error">
            <span id={ids.error}>
              {error}
              {lockoutHint ? ` ${lockoutHint}` : ''}
            </span>
          </ErrorNote>
        ) : null}
        <div className="field">
          <label htmlFor={ids.name}>Sign-in name</label>
          <input ref={nameRef} id={ids.name} type="text" autoComplete="username" value={name} onChange={(e) => setName(e.target.value)} required />
        </div>
        <div className="field">
          <label htmlFor={ids.password}>Password</label>
          <input ref={passwordRef} id={ids.password} type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} required />
        </div>
        <div className="actions">
          <button type="submit" className="btn btn-primary" disabled={busy || !name.trim() || !password}>
            {busy ? 'Signing in…' : 'Sign in'}
          </button>
        </div>
        <p className="muted small">Forgotten password? An administrator resets it in the Operators tab, or on this machine: npm run cli -- operators reset-password &lt;name&gt;.</p>
      </form>
    </SignInShell>
  );
}

/** First run: the site's admin account, before anything else opens. */
export function FirstRunScreen() {
  const error = useSession((s) => s.error);
  const busy = useSession((s) => s.busy);
  const setup = useSession((s) => s.setup);
  const [name, setName] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [password, setPassword] = useState('');
  const [again, setAgain] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const ids = { name: useId(), display: useId(), password: useId(), again: useId(), hint: useId() };
  const first = useRef<HTMLInputElement>(null);
  useEffect(() => first.current?.focus(), []);

  function submit(event: FormEvent) {
    event.preventDefault();
    if (!/^[\p{L}\p{N}._@-]{2,40}$/u.test(name.trim())) setProblem('The sign-in name needs 2 to 40 letters, digits or . _ @ - (no spaces).');
    else if (password.length < MIN_PASSWORD_LENGTH) setProblem(`The password needs at least ${MIN_PASSWORD_LENGTH} characters.`);
    else if (password !== again) setProblem('The two passwords are not the same.');
    else {
      setProblem(null);
      void setup({ name: name.trim(), displayName: displayName.trim() || name.trim(), password });
    }
  }

  return (
    <SignInShell title="Create the site’s admin account">
      <p>
        Nobody can use this Vigil yet. The first account is the site’s administrator: they add the other operators (security, HR, viewers) and
        choose what each may do.
      </p>
      <form onSubmit={submit} data-testid="first-run-form" noValidate>
        {problem || error ? <ErrorNote testId="first-run-error">{problem ?? error}</ErrorNote> : null}
        <div className="field">
          <label htmlFor={ids.name}>Sign-in name</label>
          <input ref={first} id={ids.name} type="text" autoComplete="username" value={name} onChange={(e) => setName(e.target.value)} required />
        </div>
        <div className="field">
          <label htmlFor={ids.display}>Full name</label>
          <input id={ids.display} type="text" autoComplete="name" value={displayName} onChange={(e) => setDisplayName(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor={ids.password}>Password</label>
          <input id={ids.password} type="password" autoComplete="new-password" aria-describedby={ids.hint} value={password} onChange={(e) => setPassword(e.target.value)} required />
          <span id={ids.hint} className="muted small">
            At least {MIN_PASSWORD_LENGTH} characters; a few unrelated words are easy to remember and hard to guess.
          </span>
        </div>
        <div className="field">
          <label htmlFor={ids.again}>Password again</label>
          <input id={ids.again} type="password" autoComplete="new-password" value={again} onChange={(e) => setAgain(e.target.value)} required />
        </div>
        <div className="actions">
          <button type="submit" className="btn btn-primary" disabled={busy}>
            {busy ? 'Creating…' : 'Create the admin account'}
          </button>
        </div>
      </form>
    </SignInShell>
  );
}

/** Asks the signed-in operator for their password again before a grave action. */
export function PasswordPrompt() {
  const request = useSession((s) => s.passwordRequest);
  // Keyed by the request: each prompt starts empty.
  return request ? <PasswordForm key={request.id} what={request.what} /> : null;
}

function PasswordForm({ what }: { what: string }) {
  const answer = useSession((s) => s.answerPassword);
  const [password, setPassword] = useState('');
  const id = useId();
  return (
    <div className="modal-backdrop">
      <form
        className="panel form modal"
        role="dialog"
        aria-modal="true"
        aria-labelledby={`${id}-title`}
        data-testid="password-prompt"
        onSubmit={(e) => {
          e.preventDefault();
          if (password) answer(password);
        }}
        onKeyDown={(e) => {
          if (e.key === 'Escape') answer(null);
        }}
      >
        <h3 id={`${id}-title`}>Confirm with your password</h3>
        <p>Enter your own password to {what}.</p>
        <div className="field">
          <label htmlFor={id}>Your password</label>
          <input id={id} type="password" autoComplete="current-password" autoFocus value={password} onChange={(e) => setPassword(e.target.value)} />
        </div>
        <div className="actions">
          <button type="submit" className="btn btn-danger" disabled={!password}>
            Confirm
          </button>
          <button type="button" className="btn" onClick={() => answer(null)}>
            Cancel
          </button>
        </div>
      </form>
    </div>
  );
}
