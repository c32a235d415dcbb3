import { useEffect, useId, useState, type FormEvent } from 'react';
import { MIN_PASSWORD_LENGTH, type Operator, type Role, roles, roleWords } from '../../../src-preload/contract';
import { EmptyState, ErrorNote } from '../components/Notice';
import { formatTime } from '../lib/format';
import { useOperators } from '../store/operators';
import { useSession } from '../store/session';

function AddOperator() {
  const add = useOperators((s) => s.add);
  const busy = useOperators((s) => s.busy);
  const [name, setName] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [role, setRole] = useState<Role>('security');
  const [password, setPassword] = useState('');
  const ids = { name: useId(), display: useId(), role: useId(), password: useId() };

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (await add({ name: name.trim(), displayName: displayName.trim() || name.trim(), role, password })) {
      setName('');
      setDisplayName('');
      setPassword('');
    }
  }

  return (
    <form className="panel form" aria-labelledby="add-operator-title" onSubmit={(e) => void submit(e)} data-testid="add-operator">
      <h3 id="add-operator-title">Add an operator</h3>
      <div className="field">
        <label htmlFor={ids.name}>Sign-in name</label>
        <input id={ids.name} type="text" autoComplete="off" value={name} onChange={(e) => setName(e.target.value)} required />
      </div>
      <div className="field">
        <label htmlFor={ids.display}>Full name</label>
        <input id={ids.display} type="text" autoComplete="off" value={displayName} onChange={(e) => setDisplayName(e.target.value)} />
      </div>
      <div className="field">
        <label htmlFor={ids.role}>Role</label>
        <select id={ids.role} value={role} onChange={(e) => setRole(e.target.value as Role)}>
          {roles.map((r) => (
            <option key={r} value={r}>
              {roleWords[r]}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor={ids.password}>First password</label>
        <input id={ids.password} type="password" autoComplete="new-password" value={password} onChange={(e) => setPassword(e.target.value)} required minLength={MIN_PASSWORD_LENGTH} />
        <span className="muted small">At least {MIN_PASSWORD_LENGTH} characters; they can change it after signing in.</span>
      </div>
      <div className="actions">
        <button type="submit" className="btn btn-primary" disabled={busy || !name.trim() || password.length < MIN_PASSWORD_LENGTH}>
          Add operator
        </button>
      </div>
    </form>
  );
}

function OperatorRow({ operator, isMe }: { operator: Operator; isMe: boolean }) {
  const update = useOperators((s) => s.update);
  const resetPassword = useOperators((s) => s.resetPassword);
  const busy = useOperators((s) => s.busy);
  const [resetting, setResetting] = useState(false);
  const [password, setPassword] = useState('');
  const id = useId();
  return (
    <tr data-testid={`operator-${operator.name}`}>
      <th scope="row">
        {operator.name}
        {isMe ? <span className="muted"> (you)</span> : null}
        <div className="muted small">{operator.displayName}</div>
      </th>
      <td>
        <label className="sr-only" htmlFor={`${id}-role`}>
          Role of {operator.name}
        </label>
        <select id={`${id}-role`} value={operator.role} disabled={busy} onChange={(e) => void update(operator.id, { role: e.target.value as Role })}>
          {roles.map((r) => (
            <option key={r} value={r}>
              {r}
            </option>
          ))}
        </select>
      </td>
      <td>{operator.disabled ? 'Disabled' : operator.lockedUntil ? `Locked until ${formatTime(operator.lockedUntil)}` : 'Enabled'}</td>
      <td>{operator.lastLoginAt ? formatTime(operator.lastLoginAt) : 'never'}</td>
      <td>
        <div className="actions">
          <button type="button" className="btn btn-small" disabled={busy} onClick={() => void update(operator.id, { disabled: !operator.disabled })}>
            {operator.disabled ? 'Enable' : 'Disable'}
            <span className="sr-only"> {operator.name}</span>
          </button>
          {resetting ? (
            <form
              className="actions"
              onSubmit={(e) => {
                e.preventDefault();
                void resetPassword(operator.id, password).then((ok) => ok && (setResetting(false), setPassword('')));
              }}
            >
              <label className="sr-only" htmlFor={`${id}-password`}>
                New password for {operator.name}
              </label>
              <input id={`${id}-password`} type="password" autoComplete="new-password" placeholder="New password" autoFocus value={password} onChange={(e) => setPassword(e.target.value)} />
              <button type="submit" className="btn btn-small" disabled={busy || password.length < MIN_PASSWORD_LENGTH}>
                Set
              </button>
              <button type="button" className="btn btn-small btn-ghost" onClick={() => setResetting(false)}>
                Cancel
              </button>
            </form>
          ) : (
            <button type="button" className="btn btn-small" disabled={busy} onClick={() => setResetting(true)}>
              Reset password…<span className="sr-only"> of {operator.name}</span>
            </button>
          )}
        </div>
      </td>
    </tr>
  );
}

/** The site setting: minutes without activity before a console locks (and its session ends). */
function IdleTimeout() {
  const current = useSession((s) => s.idleTimeoutMinutes);
  const [minutes, setMinutes] = useState(String(current));
  const [message, setMessage] = useState<string | null>(null);
  const id = useId();
  async function submit(event: FormEvent) {
    event.preventDefault();
    setMessage(await useSession.getState().setIdleTimeout(Number(minutes)));
  }
  return (
    <form className="panel form" aria-labelledby={`${id}-title`} onSubmit={(e) => void submit(e)}>
      <h3 id={`${id}-title`}>Idle lock</h3>
      <div className="field">
        <label htmlFor={id}>Lock a console after this many minutes without activity</label>
        <input id={id} type="number" min={1} max={1440} step={1} value={minutes} onChange={(e) => setMinutes(e.target.value)} />
      </div>
      {message ? <p role="status" className="small">{message}</p> : null}
      <div className="actions">
        <button type="submit" className="btn">Save</button>
      </div>
    </form>
  );
}

/** Admins: who may use this Vigil, with which role. */
export function OperatorsView() {
  const s = useOperators();
  const me = useSession((st) => st.operator?.name);
  useEffect(() => {
    void useOperators.getState().load();
  }, []);
  return (
    <div className="view view-split">
      <div className="view-main">
        <div className="view-head">
          <h2>Operators</h2>
        </div>
        {s.error ? <ErrorNote testId="operators-error">{s.error}</ErrorNote> : null}
        {s.notice ? (
          <p className="note note-ok" role="status">
            {s.notice}
          </p>
        ) : null}
        {!s.loaded ? <EmptyState>Loading operators…</EmptyState> : null}
        {s.operators.length > 0 ? (
          <div className="table-wrap">
            <table className="table operators-table" data-testid="operators-table">
              <caption className="sr-only">Operator accounts</caption>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Role</th>
                  <th scope="col">State</th>
                  <th scope="col">Last sign-in</th>
                  <th scope="col">
                    <span className="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {s.operators.map((o) => (
                  <OperatorRow key={o.id} operator={o} isMe={o.name === me} />
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
        <dl className="facts">
          {roles.map((r) => (
            <div key={r}>
              <dt>{r}</dt>
              <dd>{roleWords[r]}</dd>
            </div>
          ))}
        </dl>
      </div>
      <aside className="view-side" aria-label="Add an operator">
        <AddOperator />
        <IdleTimeout />
      </aside>
    </div>
  );
}
