import { useId, useRef, useState, type FormEvent } from 'react';
import type { Person } from '../../../src-preload/contract';
import { ErrorNote } from '../components/Notice';
import { formatTime } from '../lib/format';
import { useReturnFocus } from '../lib/useReturnFocus';
import { type PersonEdits, usePersonPanel } from '../store/personPanel';
import { useSession } from '../store/session';
import { CategoryField } from './CategoryField';
import { PhotoOutcomes } from './PhotoVerdicts';
import { PersonShiftField } from './ShiftsSetup';

function editsOf(person: Person): PersonEdits {
  return {
    name: person.name,
    employeeCode: person.employeeCode ?? '',
    department: person.department ?? '',
    category: person.category,
    notes: person.notes ?? '',
  };
}

function EditRecord({ person }: { person: Person }) {
  const save = usePersonPanel((s) => s.save);
  const busy = usePersonPanel((s) => s.busy);
  const [edits, setEdits] = useState<PersonEdits>(() => editsOf(person));
  const ids = { name: useId(), code: useId(), dept: useId(), notes: useId() };
  const set = <K extends keyof PersonEdits>(key: K, value: PersonEdits[K]) => setEdits((e) => ({ ...e, [key]: value }));
  const changed = JSON.stringify(edits) !== JSON.stringify(editsOf(person));
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    void save(edits);
  };
  return (
    <form className="form" onSubmit={onSubmit} aria-label="Edit record" noValidate>
      <div className="field">
        <label htmlFor={ids.name}>Name</label>
        <input id={ids.name} value={edits.name} maxLength={120} onChange={(e) => set('name', e.target.value)} />
      </div>
      <div className="field-row">
        <div className="field">
          <label htmlFor={ids.code}>Employee code</label>
          <input id={ids.code} value={edits.employeeCode} maxLength={40} onChange={(e) => set('employeeCode', e.target.value)} />
        </div>
        <CategoryField value={edits.category} onChange={(v) => set('category', v)} />
      </div>
      <div className="field">
        <label htmlFor={ids.dept}>Department</label>
        <input id={ids.dept} value={edits.department} maxLength={80} onChange={(e) => set('department', e.target.value)} />
      </div>
      <div className="field">
        <label htmlFor={ids.notes}>Notes</label>
        <textarea id={ids.notes} rows={2} value={edits.notes} maxLength={2000} onChange={(e) => set('notes', e.target.value)} />
      </div>
      <div className="actions">
        <button type="submit" className="btn btn-primary" disabled={!changed || !edits.name.trim() || busy !== null}>
          {busy === 'saving' ? 'Saving…' : 'Save changes'}
        </button>
      </div>
    </form>
  );
}

function Reenroll() {
  const reenroll = usePersonPanel((s) => s.reenroll);
  const busy = usePersonPanel((s) => s.busy);
  const outcomes = usePersonPanel((s) => s.reenrollOutcomes);
  const [files, setFiles] = useState<File[]>([]);
  const input = useRef<HTMLInputElement>(null);
  const inputId = useId();
  const go = async (mode: 'add' | 'replace') => {
    if (await reenroll(files, mode)) {
      setFiles([]);
      if (input.current) input.current.value = '';
    }
  };
  return (
    <div className="form" role="group" aria-label="Re-enroll">
      <div className="field">
        <label htmlFor={inputId}>New photos (1–5)</label>
        <input id={inputId} ref={input} type="file" accept="image/*" multiple onChange={(e) => setFiles(Array.from(e.target.files ?? []))} />
      </div>
      <div className="actions">
        <button type="button" className="btn btn-small" disabled={files.length === 0 || files.length > 5 || busy !== null} onClick={() => void go('add')}>
          Add photos
        </button>
        <button type="button" className="btn btn-small" disabled={files.length === 0 || files.length > 5 || busy !== null} onClick={() => void go('replace')}>
          Replace all photos
        </button>
      </div>
      <PhotoOutcomes photos={outcomes} label="Re-enrollment results" />
    </div>
  );
}

export function PersonPanel() {
  const s = usePersonPanel();
  const operatorPermissions = useSession((st) => st.operator?.permissions);
  const may = (p: 'people.export' | 'people.erase' | 'people.manage' | 'people.enroll') => operatorPermissions?.includes(p) ?? false;
  const mayBlocklist = operatorPermissions?.includes('people.blocklist') ?? false;
  const [withEmbeddings, setWithEmbeddings] = useState(false);
  const eraseButton = useReturnFocus(s.confirmingErase);
  const person = s.person;

  return (
    <section className="panel form" aria-labelledby="person-title" data-testid="person-panel">
      <div className="view-head">
        <h3 id="person-title">{person ? person.name : 'Person'}</h3>
        <button type="button" className="btn btn-small btn-ghost" onClick={s.close}>
          Close
        </button>
      </div>
      {s.busy === 'loading' ? <p className="muted">Loading…</p> : null}
      {s.error ? <ErrorNote testId="person-error">{s.error}</ErrorNote> : null}
      {s.notice ? (
        <p className="note note-ok" role="status">
          {s.notice}
        </p>
      ) : null}
      {person ? (
        <>
          <dl className="facts">
            <dt>Status</dt>
            <dd data-testid="person-status">{person.status === 'active' ? 'Active (recognised on cameras)' : 'Inactive (not recognised)'}</dd>
            <dt>Face templates</dt>
            <dd>
              {person.templateCount}
              {s.templates.length ? ` (latest ${formatTime(s.templates[s.templates.length - 1]!.createdAt)})` : ''}
            </dd>
            <dt>Consent</dt>
            <dd>{person.consent ? `given ${formatTime(person.consent.at)}, recorded by ${person.consent.by}, text version ${person.consent.textVersion}` : 'not recorded'}</dd>
            <dt>Enrolled</dt>
            <dd>{formatTime(person.createdAt)}</dd>
          </dl>
          {s.resemblances.length > 0 ? (
            <div className={`note ${s.resemblances.some((r) => !r.reviewedAt) ? 'note-warn' : ''}`} data-testid="person-resemblances">
              <p>Resembles someone enrolled (found at enrollment, between the match and the duplicate threshold):</p>
              <ul>
                {s.resemblances.map((r) => (
                  <li key={r.personId}>
                    {r.direction === 'enrolled-after' ? `Enrolled resembling ${r.name}` : `${r.name} was enrolled resembling ${person.name}`} ({r.score.toFixed(2)},{' '}
                    {formatTime(r.foundAt)}).{' '}
                    {r.reviewedAt ? (
                      <span className="muted">Reviewed by {r.reviewedBy} {formatTime(r.reviewedAt)}.</span>
                    ) : (
                      <button type="button" className="btn btn-small" disabled={s.busy !== null} onClick={() => void s.reviewResemblance(r.personId)}>
                        Mark reviewed (different people)
                      </button>
                    )}
                  </li>
                ))}
              </ul>
            </div>
          ) : null}
          {/* Keyed by the stored version: another person, or a reload after saving, starts from what is stored. */}
          {may('people.manage') ? (
            <>
              <EditRecord key={`${person.id}-${person.updatedAt}`} person={person} />
              <div className="actions">
                <button type="button" className="btn" disabled={s.busy !== null} onClick={() => void s.toggleStatus()}>
                  {person.status === 'active' ? 'Deactivate' : 'Reactivate'}
                </button>
              </div>
            </>
          ) : (
            <dl className="facts" data-testid="person-record-readonly">
              <dt>Category</dt>
              <dd>{person.category}</dd>
              <dt>Employee code</dt>
              <dd>{person.employeeCode ?? '—'}</dd>
              <dt>Department</dt>
              <dd>{person.department ?? '—'}</dd>
            </dl>
          )}
          <PersonShiftField personId={person.id} name={person.name} version={`${person.category}|${person.department ?? ''}|${person.status}`} />
          {mayBlocklist && !may('people.manage') ? (
            <div className="actions">
              <button type="button" className="btn" disabled={s.busy !== null} onClick={() => void s.setBlocked(person.category !== 'blocked')}>
                {person.category === 'blocked' ? 'Take off the blocklist' : 'Put on the blocklist'}
              </button>
            </div>
          ) : null}
          {may('people.enroll') ? (
            <>
              <h4>Re-enroll</h4>
              <Reenroll />
            </>
          ) : null}
          {may('people.export') || may('people.erase') ? <h4>Privacy</h4> : null}
          {may('people.export') ? (
            <div className="actions">
              <button type="button" className="btn" disabled={s.busy !== null} onClick={() => void s.exportJson(withEmbeddings)}>
                {s.busy === 'export' ? 'Exporting…' : 'Export data (JSON)'}
              </button>
              <label className="small">
                <input type="checkbox" checked={withEmbeddings} onChange={(e) => setWithEmbeddings(e.target.checked)} /> include face vectors
              </label>
            </div>
          ) : null}
          {may('people.erase') ? (
            s.confirmingErase ? (
              <div
                className="note note-error"
                role="alertdialog"
                aria-labelledby="erase-title"
                onKeyDown={(e) => {
                  if (e.key === 'Escape') s.askErase(false);
                }}
              >
                <p id="erase-title">
                  Erase {person.name} for good? Their record, {person.templateCount} face templates and all their sightings are deleted and cannot be
                  recovered. Only an audit entry (who erased whom, when) remains.
                </p>
                <div className="actions">
                  <button type="button" className="btn btn-small btn-danger" disabled={s.busy !== null} onClick={() => void s.erase()}>
                    {s.busy === 'erase' ? 'Erasing…' : 'Yes, erase for good'}
                  </button>
                  <button type="button" className="btn btn-small" disabled={s.busy !== null} onClick={() => s.askErase(false)} autoFocus>
                    Cancel
                  </button>
                </div>
              </div>
            ) : (
              <button ref={eraseButton} type="button" className="btn btn-danger" disabled={s.busy !== null} onClick={() => s.askErase(true)}>
                Erase…
              </button>
            )
          ) : null}
        </>
      ) : null}
    </section>
  );
}
