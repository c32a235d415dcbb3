import { useId, type FormEvent } from 'react';
import type { AttendanceRecord } from '../../../src-preload/contract';
import { ErrorNote } from '../components/Notice';
import { wallTime } from '../store/attendance';
import { addMonths, datesOfMonth, useAttendanceMonth } from '../store/attendanceMonth';
import { useShifts } from '../store/shifts';
import { hoursMinutes, statusWords } from './attendanceWords';

const weekdayShort = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const weekdayOf = (date: string) => weekdayShort[new Date(`${date}T12:00:00Z`).getUTCDay()]!;

/** The day's kind as HR reads a month: present, late, early exit, absent… (each may add to another). */
function statusText(record: AttendanceRecord): string {
  return record.status.map((s) => statusWords[s] ?? s).join(', ');
}

function fieldWords(field: 'check_in' | 'check_out') {
  return field === 'check_in' ? 'check-in' : 'check-out';
}

/** One person's month: a row per day, with status, first in / last out, worked and overtime, corrections and locks. */
export function AttendanceMonth() {
  const people = useShifts((s) => s.people);
  const personId = useAttendanceMonth((s) => s.personId);
  const month = useAttendanceMonth((s) => s.month);
  const data = useAttendanceMonth((s) => s.data);
  const loading = useAttendanceMonth((s) => s.loading);
  const error = useAttendanceMonth((s) => s.error);
  const { choose, setMonth, load } = useAttendanceMonth.getState();
  const id = useId();

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    void load();
  };
  const step = (delta: number) => {
    setMonth(addMonths(month, delta));
    void load();
  };
  const shown = data && data.person.id === personId ? data : null;
  const byDate = new Map((shown?.records ?? []).map((r) => [r.date, r]));
  const shownMonth = shown?.month ?? null;
  const records = shown?.records ?? [];
  const sum = (pick: (r: AttendanceRecord) => number | null) => records.reduce((total, r) => total + (pick(r) ?? 0), 0);
  const count = (status: string) => records.filter((r) => r.status.includes(status)).length;

  return (
    <section className="panel" aria-labelledby={`${id}-title`} data-testid="attendance-month">
      <h3 id={`${id}-title`}>One person's month</h3>
      <form
        className="filters"
        onSubmit={onSubmit}
        aria-label="Person and month"
        onKeyDown={(e) => {
          // Page Up / Page Down: the month before / after, from anywhere in the form.
          if (e.key === 'PageUp' || e.key === 'PageDown') {
            e.preventDefault();
            step(e.key === 'PageUp' ? -1 : 1);
          }
        }}
      >
        <div className="field">
          <label htmlFor={`${id}-person`}>Person</label>
          <select id={`${id}-person`} value={personId === null ? '' : String(personId)} onChange={(e) => choose(e.target.value === '' ? null : Number(e.target.value))}>
            <option value="">Choose a person…</option>
            {people.map((p) => (
              <option key={p.personId} value={String(p.personId)}>
                {p.name}
                {p.employeeCode ? ` · ${p.employeeCode}` : ''}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-month`}>Month</label>
          <input id={`${id}-month`} type="month" value={month} onChange={(e) => setMonth(e.target.value)} aria-describedby={`${id}-keys`} />
        </div>
        <button type="button" className="btn btn-small" onClick={() => step(-1)} aria-label="Previous month" disabled={personId === null}>
          ‹
        </button>
        <button type="button" className="btn btn-small" onClick={() => step(1)} aria-label="Next month" disabled={personId === null}>
          ›
        </button>
        <button type="submit" className="btn btn-small" disabled={loading}>
          {loading ? 'Loading…' : 'View month'}
        </button>
        <span id={`${id}-keys`} className="muted small">
          Page Up / Page Down: previous / next month.
        </span>
      </form>
      {error ? <ErrorNote testId="attendance-month-error">{error}</ErrorNote> : null}
      {shown && shownMonth ? (
        <>
          <p className="muted" role="status" data-testid="attendance-month-summary">
            {shown.person.name}
            {shown.person.department ? ` (${shown.person.department})` : ''}, {shownMonth} (site time, {shown.timeZone}): {records.length} shift days; late {count('late')}, early exit {count('early_exit')}, absent{' '}
            {count('absent')}; worked {hoursMinutes(sum((r) => r.workedMinutes))}, overtime {hoursMinutes(sum((r) => r.overtimeMinutes))}; {shown.corrections.length} corrections.
          </p>
          <div className="table-wrap">
            <table className="table table-compact" data-testid="attendance-month-table">
              <caption className="sr-only">
                Attendance of {shown.person.name} in {shownMonth}, one row per day
              </caption>
              <thead>
                <tr>
                  <th scope="col">Day</th>
                  <th scope="col">Status</th>
                  <th scope="col">First in</th>
                  <th scope="col">Last out</th>
                  <th scope="col" className="num">Worked</th>
                  <th scope="col" className="num">Overtime</th>
                  <th scope="col">Correction</th>
                </tr>
              </thead>
              <tbody>
                {datesOfMonth(shownMonth).map((date) => {
                  const r = byDate.get(date);
                  return (
                    <tr key={date} data-date={date} data-status={r ? r.status.join(' ') : 'none'}>
                      <th scope="row">
                        {weekdayOf(date)} {date.slice(8)}
                      </th>
                      {r ? (
                        <>
                          <td>
                            {statusText(r)}
                            {r.corrected ? <span className="badge badge-warn">Corrected</span> : null}
                            {r.locked ? <span className="badge badge-muted">Locked</span> : null}
                          </td>
                          <td>
                            {wallTime(r.checkIn) || '—'}
                            {r.corrected && r.computedCheckIn !== r.checkIn ? <span className="muted small"> (was {wallTime(r.computedCheckIn) || 'none'})</span> : null}
                          </td>
                          <td>
                            {wallTime(r.checkOut) || '—'}
                            {r.corrected && r.computedCheckOut !== r.checkOut ? <span className="muted small"> (was {wallTime(r.computedCheckOut) || 'none'})</span> : null}
                          </td>
                          <td className="num">{r.workedMinutes === null ? '—' : hoursMinutes(r.workedMinutes)}</td>
                          <td className="num">{r.overtimeMinutes ? hoursMinutes(r.overtimeMinutes) : '—'}</td>
                          <td className="small">{r.correctionReason ?? ''}</td>
                        </>
                      ) : (
                        <td colSpan={6} className="muted small">
                          No shift day
                        </td>
                      )}
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          {shown.corrections.length ? (
            <>
              <h4>Corrections this month</h4>
              <ul data-testid="attendance-month-corrections">
                {shown.corrections.map((c, i) => (
                  <li key={i}>
                    {c.date}: {fieldWords(c.field)} set to {c.time ? wallTime(c.time) : 'none'} by {c.operator}, “{c.reason}”
                  </li>
                ))}
              </ul>
            </>
          ) : null}
        </>
      ) : null}
    </section>
  );
}
