import { useEffect, useId, type FormEvent } from 'react';
import type { AttendanceRecord } from '../../../src-preload/contract';
import { ErrorNote, ListStatus } from '../components/Notice';
import { useAttendance, wallTime } from '../store/attendance';
import { useAttendanceMonth } from '../store/attendanceMonth';
import { AccessLogSearch, AccessSummaryPanel, OccupancyPanel } from './AccessView';
import { AttendanceMonth } from './AttendanceMonth';
import { hoursMinutes, statusWords } from './attendanceWords';
import { ShiftsSetup } from './ShiftsSetup';

function minutes(record: AttendanceRecord): string {
  const parts: string[] = [];
  if (record.lateMinutes) parts.push(`${record.lateMinutes} min late`);
  if (record.earlyExitMinutes) parts.push(`left ${record.earlyExitMinutes} min early`);
  if (record.overtimeMinutes) parts.push(`${record.overtimeMinutes} min over`);
  return parts.join(', ');
}

function worked(record: AttendanceRecord): string {
  return record.workedMinutes === null ? '' : hoursMinutes(record.workedMinutes);
}

function CorrectionForm() {
  const draft = useAttendance((s) => s.draft);
  const saving = useAttendance((s) => s.saving);
  const records = useAttendance((s) => s.records);
  const { editDraft, cancelCorrection, saveCorrection } = useAttendance.getState();
  const timeId = useId();
  const reasonId = useId();
  if (!draft) return null;
  const person = records.find((r) => r.personId === draft.personId && r.date === draft.date)?.person ?? '';
  const what = draft.field === 'check_in' ? 'check-in' : 'check-out';
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    void saveCorrection();
  };
  return (
    <form className="panel form" onSubmit={onSubmit} aria-label={`Correct the ${what} of ${person} on ${draft.date}`} data-testid="attendance-correction">
      <h3>
        Correct the {what} of {person} on {draft.date}
      </h3>
      <div className="field">
        <label htmlFor={timeId}>Time (site time; empty: there was none)</label>
        <input id={timeId} type="time" value={draft.time} onChange={(e) => editDraft({ time: e.target.value })} autoFocus />
      </div>
      <div className="field">
        <label htmlFor={reasonId}>Reason (kept with the correction and on the audit trail)</label>
        <input id={reasonId} type="text" value={draft.reason} maxLength={500} required minLength={3} onChange={(e) => editDraft({ reason: e.target.value })} />
      </div>
      <div className="actions">
        <button type="submit" className="btn btn-primary" disabled={saving || draft.reason.trim().length < 3}>
          {saving ? 'Saving…' : 'Save correction'}
        </button>
        <button type="button" className="btn btn-ghost" onClick={cancelCorrection}>
          Cancel
        </button>
      </div>
    </form>
  );
}

/** HR's attendance board: person-days for a period, corrections with a reason, payroll CSV, locking after export. */
export function AttendanceView() {
  const from = useAttendance((s) => s.from);
  const to = useAttendance((s) => s.to);
  const records = useAttendance((s) => s.records);
  const timeZone = useAttendance((s) => s.timeZone);
  const loading = useAttendance((s) => s.loading);
  const loaded = useAttendance((s) => s.loaded);
  const error = useAttendance((s) => s.error);
  const notice = useAttendance((s) => s.notice);
  const { setRange, load, startCorrection, exportCsv, exportXlsx, lockPeriod } = useAttendance.getState();
  const fromId = useId();
  const toId = useId();

  useEffect(() => {
    if (!useAttendance.getState().loaded) void load();
  }, [load]);

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    void load();
  };
  const late = records.filter((r) => r.status.includes('late')).length;
  const absent = records.filter((r) => r.status.includes('absent')).length;
  const present = records.filter((r) => r.status.includes('in')).length;

  return (
    <div className="view">
      <div className="view-head">
        <h2>Attendance</h2>
        <p className="muted">
          One row per person and shift day{timeZone ? ` (site time, ${timeZone})` : ''}, from entry and exit cameras. In now: {present}; late: {late}; absent: {absent}.
        </p>
      </div>
      <form className="filters" onSubmit={onSubmit} aria-label="Attendance period" data-testid="attendance-filters">
        <div className="field">
          <label htmlFor={fromId}>From</label>
          <input id={fromId} type="date" value={from} onChange={(e) => setRange(e.target.value, to < e.target.value ? e.target.value : to)} />
        </div>
        <div className="field">
          <label htmlFor={toId}>To</label>
          <input id={toId} type="date" value={to} min={from} onChange={(e) => setRange(from, e.target.value)} />
        </div>
        <button type="submit" className="btn btn-small" disabled={loading}>
          {loading ? 'Loading…' : 'Show'}
        </button>
        <button type="button" className="btn btn-small" onClick={() => void exportCsv()} data-testid="attendance-export">
          Export payroll CSV
        </button>
        <button type="button" className="btn btn-small" onClick={() => void exportXlsx()} data-testid="attendance-export-xlsx">
          Export payroll XLSX
        </button>
        <button
          type="button"
          className="btn btn-small btn-danger"
          onClick={() => {
            if (window.confirm(`Lock ${from} to ${to}? Corrections will be refused from then on.`)) void lockPeriod();
          }}
        >
          Lock period
        </button>
      </form>
      {notice ? (
        <p role="status" className="note">
          {notice}
        </p>
      ) : null}
      {error && loaded ? <ErrorNote>{error}</ErrorNote> : null}
      <CorrectionForm />
      <ListStatus what="attendance records" error={loaded ? null : error} loaded={loaded} count={records.length} empty="No attendance in this period: tag entry/exit cameras and give people a shift (README, Attendance)." />
      {records.length > 0 ? (
        <div className="table-wrap">
          <table className="table" data-testid="attendance-table">
            <caption className="sr-only">Attendance per person and day</caption>
            <thead>
              <tr>
                <th scope="col">Date</th>
                <th scope="col">Person</th>
                <th scope="col">Shift</th>
                <th scope="col">Status</th>
                <th scope="col">In</th>
                <th scope="col">Out</th>
                <th scope="col">Minutes</th>
                <th scope="col">Worked</th>
                <th scope="col">Correct</th>
              </tr>
            </thead>
            <tbody>
              {records.map((r) => (
                <tr key={`${r.personId}-${r.date}`} data-person={r.person} data-date={r.date} data-corrected={r.corrected}>
                  <td>{r.date}</td>
                  <th scope="row">
                    {r.person}{' '}
                    <button type="button" className="btn btn-small btn-ghost" onClick={() => void useAttendanceMonth.getState().show(r.personId, r.date.slice(0, 7))} aria-label={`Month of ${r.person} (${r.date.slice(0, 7)})`}>
                      Month
                    </button>
                  </th>
                  <td>{r.shift ?? '—'}</td>
                  <td>{r.status.map((s) => statusWords[s] ?? s).join(', ')}</td>
                  <td>
                    {wallTime(r.checkIn)}
                    {r.corrected && r.computedCheckIn !== r.checkIn ? <span className="muted small"> (was {wallTime(r.computedCheckIn) || 'none'})</span> : null}
                  </td>
                  <td>
                    {wallTime(r.checkOut)}
                    {r.corrected && r.computedCheckOut !== r.checkOut ? <span className="muted small"> (was {wallTime(r.computedCheckOut) || 'none'})</span> : null}
                  </td>
                  <td className="small">{minutes(r)}</td>
                  <td>{worked(r)}</td>
                  <td>
                    {r.locked ? (
                      <span className="muted small">Locked</span>
                    ) : (
                      <>
                        <button type="button" className="btn btn-small btn-ghost" onClick={() => startCorrection(r, 'check_in')} aria-label={`Correct check-in of ${r.person} on ${r.date}`}>
                          In
                        </button>{' '}
                        <button type="button" className="btn btn-small btn-ghost" onClick={() => startCorrection(r, 'check_out')} aria-label={`Correct check-out of ${r.person} on ${r.date}`}>
                          Out
                        </button>
                      </>
                    )}
                    {r.correctionReason ? <span className="muted small" title={r.correctionReason}> corrected</span> : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <AttendanceMonth />
      <OccupancyPanel />
      <AccessSummaryPanel />
      <AccessLogSearch />
      <ShiftsSetup />
    </div>
  );
}
