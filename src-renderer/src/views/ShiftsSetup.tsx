import { useEffect, useId, type FormEvent } from 'react';
import type { CameraDirectionName, Shift } from '../../../src-preload/contract';
import { cameraDirections } from '../../../src-preload/contract';
import { ErrorNote, ListStatus } from '../components/Notice';
import { useReturnFocus } from '../lib/useReturnFocus';
import { useMay } from '../store/session';
import { directionWords, useShifts, weekdayOrder, weekdayWords } from '../store/shifts';

function shiftDays(shift: Shift): string {
  return weekdayOrder.filter((d) => shift.days.includes(d)).map((d) => weekdayWords[d]).join(', ');
}

function FieldError({ id, message }: { id: string; message: string | undefined }) {
  return message ? (
    <span id={id} className="field-error small" role="alert">
      {message}
    </span>
  ) : null;
}

function ShiftForm() {
  const draft = useShifts((s) => s.draft);
  const errors = useShifts((s) => s.draftErrors);
  const saveError = useShifts((s) => s.saveError);
  const saving = useShifts((s) => !!s.busy.save);
  const { editDraft, cancelDraft, saveDraft } = useShifts.getState();
  const id = useId();
  if (!draft) return null;
  const title = draft.id === null ? 'Add a shift' : `Change the shift ${draft.name}`;
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    void saveDraft();
  };
  const described = (field: keyof typeof errors) => (errors[field] ? { 'aria-invalid': true, 'aria-describedby': `${id}-${field}-error` } : {});
  const overnight = /^\d\d:\d\d$/.test(draft.start) && /^\d\d:\d\d$/.test(draft.end) && draft.end < draft.start;
  return (
    <form
      className="panel form"
      onSubmit={onSubmit}
      aria-labelledby={`${id}-title`}
      noValidate
      data-testid="shift-form"
      onKeyDown={(e) => {
        if (e.key === 'Escape') cancelDraft();
      }}
    >
      <h4 id={`${id}-title`}>{title}</h4>
      <div className="field">
        <label htmlFor={`${id}-name`}>Shift name</label>
        <input id={`${id}-name`} type="text" value={draft.name} maxLength={80} autoComplete="off" autoFocus onChange={(e) => editDraft({ name: e.target.value })} {...described('name')} />
        <FieldError id={`${id}-name-error`} message={errors.name} />
      </div>
      <div className="field">
        <label htmlFor={`${id}-start`}>Starts (site time)</label>
        <input id={`${id}-start`} type="time" value={draft.start} onChange={(e) => editDraft({ start: e.target.value })} {...described('start')} />
        <FieldError id={`${id}-start-error`} message={errors.start} />
      </div>
      <div className="field">
        <label htmlFor={`${id}-end`}>Ends (site time)</label>
        <input id={`${id}-end`} type="time" value={draft.end} onChange={(e) => editDraft({ end: e.target.value })} {...described('end')} />
        <FieldError id={`${id}-end-error`} message={errors.end} />
        {overnight ? <span className="muted small">Ends the next day (a night shift).</span> : null}
      </div>
      <fieldset className="field" {...(errors.days ? { 'aria-describedby': `${id}-days-error` } : {})}>
        <legend>Works on</legend>
        {weekdayOrder.map((day) => (
          <label key={day} className="inline-check">
            <input
              type="checkbox"
              checked={draft.days.includes(day)}
              onChange={(e) => editDraft({ days: e.target.checked ? weekdayOrder.filter((d) => d === day || draft.days.includes(d)) : draft.days.filter((d) => d !== day) })}
            />{' '}
            {weekdayWords[day]}
          </label>
        ))}
        <FieldError id={`${id}-days-error`} message={errors.days} />
      </fieldset>
      <div className="field">
        <label htmlFor={`${id}-grace`}>Grace (minutes late still on time)</label>
        <input id={`${id}-grace`} type="number" min={0} max={720} step={1} value={draft.graceMinutes} onChange={(e) => editDraft({ graceMinutes: e.target.value })} {...described('graceMinutes')} />
        <FieldError id={`${id}-graceMinutes-error`} message={errors.graceMinutes} />
      </div>
      <div className="field">
        <label htmlFor={`${id}-early`}>Early-exit tolerance (minutes)</label>
        <input id={`${id}-early`} type="number" min={0} max={720} step={1} value={draft.earlyExitMinutes} onChange={(e) => editDraft({ earlyExitMinutes: e.target.value })} {...described('earlyExitMinutes')} />
        <FieldError id={`${id}-earlyExitMinutes-error`} message={errors.earlyExitMinutes} />
      </div>
      <div className="field">
        <label htmlFor={`${id}-double`}>Double-entry window (hours: a second entry this soon is not a new check-in)</label>
        <input id={`${id}-double`} type="number" min={0} max={48} step={0.5} value={draft.doubleEntryWindowHours} onChange={(e) => editDraft({ doubleEntryWindowHours: e.target.value })} {...described('doubleEntryWindowHours')} />
        <FieldError id={`${id}-doubleEntryWindowHours-error`} message={errors.doubleEntryWindowHours} />
      </div>
      <div className="field">
        <label htmlFor={`${id}-overtime`}>Overtime after (minutes past the end; overtime is then counted since the end)</label>
        <input id={`${id}-overtime`} type="number" min={0} max={1440} step={1} value={draft.overtimeAfterMinutes} onChange={(e) => editDraft({ overtimeAfterMinutes: e.target.value })} {...described('overtimeAfterMinutes')} />
        <FieldError id={`${id}-overtimeAfterMinutes-error`} message={errors.overtimeAfterMinutes} />
      </div>
      {draft.id !== null ? <RejudgeWarning /> : null}
      <div className="actions">
        <button type="submit" className="btn btn-primary" disabled={saving}>
          {saving ? 'Saving…' : draft.id === null ? 'Add shift' : 'Save shift'}
        </button>
        <button type="button" className="btn btn-ghost" onClick={cancelDraft}>
          Cancel
        </button>
      </div>
      {saveError ? <ErrorNote testId="shift-save-error">{saveError}</ErrorNote> : null}
    </form>
  );
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** Changing a shift changes the past: day records are computed from the shift as it is now. */
function RejudgeWarning() {
  const impact = useShifts((s) => s.draftImpact);
  const kept = impact
    ? [
        impact.correctedDays ? `${plural(impact.correctedDays, 'corrected day', 'corrected days')}: HR's times stay, judged against the new hours` : '',
        impact.lockedDays ? `${plural(impact.lockedDays, 'locked day', 'locked days')}: kept as locked` : '',
      ].filter(Boolean)
    : [];
  return (
    <p className="note note-warn" role="note" data-testid="shift-rejudge-warning">
      Saving judges past days again with the new rule: every past day of this shift's people that is neither corrected nor locked
      {impact
        ? impact.days
          ? ` (${plural(impact.days, 'day', 'days')} of ${plural(impact.people, 'person', 'people')} since ${impact.since})`
          : ` (none yet: ${impact.people ? `${plural(impact.people, 'person', 'people')}, no recorded passage` : 'nobody is on it'})`
        : ''}
      . {kept.length ? `${kept.join('; ')}. ` : ''}Lateness, early exits and overtime can change; an exported CSV does not.
    </p>
  );
}

function ShiftRow({ shift, mayManage }: { shift: Shift; mayManage: boolean }) {
  const confirming = useShifts((s) => s.confirmingRemoval === shift.id);
  const busy = useShifts((s) => !!s.busy[`shift-${shift.id}`]);
  const { startEdit, askRemove, remove } = useShifts.getState();
  const removeButton = useReturnFocus(confirming);
  const users = [shift.people ? `${shift.people} ${shift.people === 1 ? 'person' : 'people'}` : '', ...shift.departments.map((d) => `${d} (department)`)].filter(Boolean);
  return (
    <tr data-shift={shift.name}>
      <th scope="row">{shift.name}</th>
      <td>
        {shift.start}–{shift.end}
        {shift.overnight ? <span className="muted small"> (next day)</span> : null}
      </td>
      <td>{shiftDays(shift)}</td>
      <td className="num">{shift.graceMinutes} min</td>
      <td className="num">{shift.earlyExitMinutes} min</td>
      <td className="num">{shift.doubleEntryWindowHours} h</td>
      <td className="num">{shift.overtimeAfterMinutes} min</td>
      <td className="small">{users.join(', ') || <span className="muted">nobody</span>}</td>
      {mayManage ? (
        <td className="row-actions">
          {confirming ? (
            <span
              className="confirm"
              role="group"
              aria-label={`Confirm removing the shift ${shift.name}`}
              onKeyDown={(e) => {
                if (e.key === 'Escape') askRemove(null);
              }}
            >
              <span>
                Remove {shift.name}?{' '}
                {users.length
                  ? `${shift.people ? `${shift.people} ${shift.people === 1 ? 'person falls' : 'people fall'} back to their department's shift` : ''}${shift.people && shift.departments.length ? '; ' : ''}${shift.departments.length ? `${shift.departments.join(', ')} lose${shift.departments.length === 1 ? 's' : ''} its default` : ''}. Past days are judged again without it.`
                  : 'Nobody uses it.'}
              </span>
              <button type="button" className="btn btn-small btn-danger" disabled={busy} onClick={() => void remove(shift.id)}>
                {busy ? 'Removing…' : 'Yes, remove'}
              </button>
              <button type="button" className="btn btn-small" disabled={busy} onClick={() => askRemove(null)} autoFocus>
                Cancel
              </button>
            </span>
          ) : (
            <>
              <button type="button" className="btn btn-small" aria-label={`Edit the shift ${shift.name}`} onClick={() => startEdit(shift)}>
                Edit
              </button>{' '}
              <button ref={removeButton} type="button" className="btn btn-small" aria-label={`Remove the shift ${shift.name}`} onClick={() => askRemove(shift.id)}>
                Remove
              </button>
            </>
          )}
        </td>
      ) : null}
    </tr>
  );
}

/** A shift picker: `none` is the label of the empty choice. */
function ShiftSelect({ label, value, none, disabled, onChange }: { label: string; value: number | null; none: string; disabled: boolean; onChange: (shiftId: number | null) => void }) {
  const shifts = useShifts((s) => s.shifts);
  return (
    <select aria-label={label} value={value === null ? '' : String(value)} disabled={disabled} onChange={(e) => onChange(e.target.value === '' ? null : Number(e.target.value))}>
      <option value="">{none}</option>
      {shifts.map((s) => (
        <option key={s.id} value={String(s.id)}>
          {s.name} ({s.start}–{s.end})
        </option>
      ))}
    </select>
  );
}

/**
 * A person's own shift on the People tab's person details (those who may manage attendance only).
 * `version` changes when the record is saved: category or department decide who has attendance.
 */
export function PersonShiftField({ personId, name, version }: { personId: number; name: string; version: string }) {
  const assignment = useShifts((s) => s.people.find((p) => p.personId === personId));
  const loaded = useShifts((s) => s.loaded);
  const busy = useShifts((s) => !!s.busy[`person-${personId}`]);
  const notice = useShifts((s) => s.notice);
  const error = useShifts((s) => s.error);
  const mayManage = useMay('attendance.manage');
  const id = useId();
  useEffect(() => {
    if (mayManage) void useShifts.getState().load();
  }, [mayManage, personId, version]);
  if (!mayManage) return null;
  return (
    <div className="field" role="group" aria-labelledby={`${id}-label`} data-testid="person-shift">
      <span id={`${id}-label`} className="small">
        Attendance shift
      </span>
      {!loaded ? (
        <span className="muted small">Loading…</span>
      ) : assignment ? (
        <ShiftSelect
          label={`Shift of ${name}`}
          value={assignment.shiftId}
          none={assignment.departmentShift ? `Department's (${assignment.departmentShift})` : 'No shift'}
          disabled={busy}
          onChange={(shiftId) => void useShifts.getState().assign(personId, shiftId)}
        />
      ) : (
        <span className="muted small">Attendance is kept for active employees and contractors only.</span>
      )}
      <span aria-live="polite" className="small">
        {notice && notice.startsWith(`${name}:`) ? notice : error && loaded ? <span className="field-error">{error}</span> : null}
      </span>
    </div>
  );
}

/** A camera's attendance direction (the Attendance tab, and the Cameras tab for those who may set it). */
export function DirectionSelect({ cameraId, name }: { cameraId: number; name: string }) {
  const direction = useShifts((s) => s.cameras.find((c) => c.id === cameraId)?.direction);
  const busy = useShifts((s) => !!s.busy[`camera-${cameraId}`]);
  const mayManage = useMay('attendance.manage');
  if (!direction) return null;
  if (!mayManage) return <span>{directionWords[direction]}</span>;
  return (
    <select aria-label={`Attendance direction: ${name}`} value={direction} disabled={busy} onChange={(e) => void useShifts.getState().setDirection(cameraId, e.target.value as CameraDirectionName)}>
      {cameraDirections.map((d) => (
        <option key={d} value={d}>
          {directionWords[d]}
        </option>
      ))}
    </select>
  );
}

/** HR's and the site administrator's attendance set-up: shifts, department defaults, people's shifts, entry/exit cameras. */
export function ShiftsSetup() {
  const shifts = useShifts((s) => s.shifts);
  const departments = useShifts((s) => s.departments);
  const people = useShifts((s) => s.people);
  const cameras = useShifts((s) => s.cameras);
  const loaded = useShifts((s) => s.loaded);
  const error = useShifts((s) => s.error);
  const notice = useShifts((s) => s.notice);
  const draft = useShifts((s) => s.draft);
  const busy = useShifts((s) => s.busy);
  const mayManage = useMay('attendance.manage');
  const { load, startAdd, assign, setDepartment } = useShifts.getState();
  const id = useId();

  useEffect(() => {
    if (!useShifts.getState().loaded) void load();
  }, [load]);

  return (
    <section className="attendance-setup" aria-labelledby={`${id}-title`} data-testid="shifts-setup">
      <h3 id={`${id}-title`}>Shifts</h3>
      <div aria-live="polite">
        {notice ? (
          <p role="status" className="note note-ok">
            {notice}
          </p>
        ) : null}
        {error && loaded ? <ErrorNote testId="shifts-error">{error}</ErrorNote> : null}
      </div>
      <ListStatus what="shifts" error={loaded ? null : error} loaded={loaded} count={shifts.length} empty="No shifts yet: add one, then give it to a department or a person." />
      {shifts.length > 0 ? (
        <div className="table-wrap">
          <table className="table" data-testid="shifts-table">
            <caption className="sr-only">Shifts</caption>
            <thead>
              <tr>
                <th scope="col">Shift</th>
                <th scope="col">Hours</th>
                <th scope="col">Days</th>
                <th scope="col" className="num">Grace</th>
                <th scope="col" className="num">Early exit</th>
                <th scope="col" className="num">Double entry</th>
                <th scope="col" className="num">Overtime after</th>
                <th scope="col">Used by</th>
                {mayManage ? (
                  <th scope="col">
                    <span className="sr-only">Actions</span>
                  </th>
                ) : null}
              </tr>
            </thead>
            <tbody>
              {shifts.map((shift) => (
                <ShiftRow key={shift.id} shift={shift} mayManage={mayManage} />
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {mayManage && !draft ? (
        <button type="button" className="btn btn-small" onClick={startAdd}>
          Add a shift
        </button>
      ) : null}
      {mayManage ? <ShiftForm /> : null}

      {loaded ? (
        <>
          <h4>Department default shifts</h4>
          {departments.length === 0 ? (
            <p className="empty">No departments: people's records have none.</p>
          ) : (
            <div className="table-wrap">
              <table className="table" data-testid="department-shifts">
                <caption className="sr-only">Default shift per department</caption>
                <thead>
                  <tr>
                    <th scope="col">Department</th>
                    <th scope="col" className="num">People</th>
                    <th scope="col">Default shift</th>
                  </tr>
                </thead>
                <tbody>
                  {departments.map((d) => (
                    <tr key={d.department} data-department={d.department}>
                      <th scope="row">{d.department}</th>
                      <td className="num">{d.people}</td>
                      <td>
                        {mayManage ? (
                          <ShiftSelect label={`Default shift of ${d.department}`} value={d.shiftId} none="No default shift" disabled={!!busy[`department-${d.department}`]} onChange={(shiftId) => void setDepartment(d.department, shiftId)} />
                        ) : (
                          (d.shift ?? '—')
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}

          <h4>People's shifts</h4>
          <p className="muted small">Active employees and contractors. A person's own shift counts; without one, their department's default.</p>
          {people.length === 0 ? (
            <p className="empty">Nobody to schedule yet: enroll employees or contractors on the People tab.</p>
          ) : (
            <div className="table-wrap">
              <table className="table" data-testid="people-shifts">
                <caption className="sr-only">Shift per person</caption>
                <thead>
                  <tr>
                    <th scope="col">Person</th>
                    <th scope="col">Department</th>
                    <th scope="col">Shift</th>
                  </tr>
                </thead>
                <tbody>
                  {people.map((p) => (
                    <tr key={p.personId} data-person={p.name}>
                      <th scope="row">
                        {p.name}
                        {p.employeeCode ? <span className="muted small"> · {p.employeeCode}</span> : null}
                      </th>
                      <td>{p.department ?? '—'}</td>
                      <td>
                        {mayManage ? (
                          <ShiftSelect
                            label={`Shift of ${p.name}`}
                            value={p.shiftId}
                            none={p.departmentShift ? `Department's (${p.departmentShift})` : 'No shift'}
                            disabled={!!busy[`person-${p.personId}`]}
                            onChange={(shiftId) => void assign(p.personId, shiftId)}
                          />
                        ) : (
                          (p.shift ?? (p.departmentShift ? `${p.departmentShift} (department)` : '—'))
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}

          <h4>Entry and exit cameras</h4>
          <p className="muted small">Check-ins come from entry cameras, check-outs from exit cameras. A change applies to new visits; those recorded keep their direction.</p>
          {cameras.length === 0 ? (
            <p className="empty">No cameras yet.</p>
          ) : (
            <div className="table-wrap">
              <table className="table" data-testid="camera-directions">
                <caption className="sr-only">Attendance direction per camera</caption>
                <thead>
                  <tr>
                    <th scope="col">Camera</th>
                    <th scope="col">Direction</th>
                  </tr>
                </thead>
                <tbody>
                  {cameras.map((c) => (
                    <tr key={c.id} data-camera={c.name}>
                      <th scope="row">{c.name}</th>
                      <td>
                        <DirectionSelect cameraId={c.id} name={c.name} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      ) : null}
    </section>
  );
}
