import { useEffect, useId, type FormEvent } from 'react';
import { cameraDirections } from '../../../src-preload/contract';
import { ErrorNote } from '../components/Notice';
import { wallTime } from '../store/attendance';
import { useAccess, type AccessFilters } from '../store/access';
import { directionWords, useShifts } from '../store/shifts';

const statusWords = { member: 'Known person', unknown: 'Stranger', blocked: 'Blocklisted' } as const;

/** Who is inside now and the site's occupancy per hour of a day (entry and exit cameras, reset nightly). */
export function OccupancyPanel() {
  const date = useAccess((s) => s.occupancyDate);
  const occupancy = useAccess((s) => s.occupancy);
  const loading = useAccess((s) => s.occupancyLoading);
  const error = useAccess((s) => s.occupancyError);
  const months = useAccess((s) => s.months);
  const monthsError = useAccess((s) => s.monthsError);
  const { setOccupancyDate, loadOccupancy, loadMonths } = useAccess.getState();
  const id = useId();
  useEffect(() => {
    if (!useAccess.getState().occupancy) void loadOccupancy();
    if (!useAccess.getState().months) void loadMonths();
  }, [loadOccupancy, loadMonths]);
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    void loadOccupancy();
    void loadMonths();
  };
  const busy = occupancy ? occupancy.hours.filter((h) => h.in || h.out) : [];
  return (
    <section className="panel" aria-labelledby={`${id}-title`} data-testid="occupancy">
      <h3 id={`${id}-title`}>Occupancy</h3>
      <form className="filters" onSubmit={onSubmit} aria-label="Occupancy of a day">
        <div className="field">
          <label htmlFor={`${id}-date`}>Occupancy day</label>
          <input id={`${id}-date`} type="date" value={date} onChange={(e) => setOccupancyDate(e.target.value)} />
        </div>
        <button type="submit" className="btn btn-small" disabled={loading}>
          {loading ? 'Loading…' : 'Refresh occupancy'}
        </button>
      </form>
      {error ? <ErrorNote testId="occupancy-error">{error}</ErrorNote> : null}
      {occupancy ? (
        <>
          <p role="status" data-testid="inside-now">
            Inside now: <strong>{occupancy.inside.present}</strong> (since the reset at {wallTime(occupancy.inside.since)}, site time {occupancy.timeZone}; strangers included).
          </p>
          {occupancy.inside.people.length ? (
            <ul data-testid="inside-people" aria-label="Known people inside now">
              {occupancy.inside.people.map((p) => (
                <li key={p.personId} data-person={p.name}>
                  {p.name}: in since {wallTime(p.since)} ({p.camera})
                </li>
              ))}
            </ul>
          ) : (
            <p className="muted small">No known person inside.</p>
          )}
          <h4>{occupancy.date} per hour</h4>
          {busy.length === 0 ? (
            <p className="empty">Nobody passed an entry or exit camera that day.</p>
          ) : (
            <div className="table-wrap">
              <table className="table table-compact" data-testid="occupancy-hours">
                <caption className="sr-only">In, out and present per hour on {occupancy.date} (hours without passages left out)</caption>
                <thead>
                  <tr>
                    <th scope="col">Hour</th>
                    <th scope="col" className="num">In</th>
                    <th scope="col" className="num">Out</th>
                    <th scope="col" className="num">Present at the end</th>
                  </tr>
                </thead>
                <tbody>
                  {busy.map((h, i) => (
                    <tr key={`${h.hour}-${i}`} data-hour={h.hour} data-kept={h.kept}>
                      <th scope="row">
                        {h.hour}
                        {h.kept ? (
                          <span className="muted small" title="Read from the hour's kept snapshot (it outlives the visits it was counted from)">
                            {' '}
                            kept
                          </span>
                        ) : null}
                      </th>
                      <td className="num">{h.in}</td>
                      <td className="num">{h.out}</td>
                      <td className="num">{h.present}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      ) : null}
      <h4>Per month (kept)</h4>
      {monthsError ? <ErrorNote testId="occupancy-months-error">{monthsError}</ErrorNote> : null}
      {months && months.months.length === 0 ? <p className="empty">No hour kept yet: the engine keeps each hour about 10 minutes after it ends.</p> : null}
      {months && months.months.length ? (
        <div className="table-wrap">
          <table className="table table-compact" data-testid="occupancy-months">
            <caption className="sr-only">Occupancy per month, rolled up from the hourly snapshots (site time, {months.timeZone}); kept after the visits expire</caption>
            <thead>
              <tr>
                <th scope="col">Month</th>
                <th scope="col" className="num">In</th>
                <th scope="col" className="num">Out</th>
                <th scope="col" className="num">Peak present</th>
                <th scope="col">Peak at</th>
                <th scope="col" className="num">Average daily peak</th>
                <th scope="col" className="num">Days</th>
              </tr>
            </thead>
            <tbody>
              {[...months.months].reverse().map((m) => (
                <tr key={m.month} data-month={m.month}>
                  <th scope="row">{m.month}</th>
                  <td className="num">{m.in}</td>
                  <td className="num">{m.out}</td>
                  <td className="num">{m.peakPresent}</td>
                  <td>{m.peakDay ? `${m.peakDay} ${m.peakHour}` : ''}</td>
                  <td className="num">{m.averageDailyPeak}</td>
                  <td className="num">{m.days}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}

const percent = (rate: number) => `${(rate * 100).toFixed(1)}%`;

/** Visits in a period by who was seen: known, strangers, blocklisted, unauthorised at restricted cameras. */
export function AccessSummaryPanel() {
  const from = useAccess((s) => s.summaryFrom);
  const to = useAccess((s) => s.summaryTo);
  const summary = useAccess((s) => s.summary);
  const loading = useAccess((s) => s.summaryLoading);
  const error = useAccess((s) => s.summaryError);
  const { setSummaryRange, loadSummary } = useAccess.getState();
  const id = useId();
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    void loadSummary();
  };
  const rows = summary
    ? ([
        ['members', 'Known people', summary.members, summary.rates.members],
        ['unknown', 'Strangers', summary.unknown, summary.rates.unknown],
        ['blocked', 'Blocklisted', summary.blocked, summary.rates.blocked],
        ['unauthorised', 'Unauthorised (restricted cameras, anyone but an employee)', summary.unauthorised, summary.rates.unauthorised],
      ] as const)
    : [];
  return (
    <section className="panel" aria-labelledby={`${id}-title`} data-testid="access-summary">
      <h3 id={`${id}-title`}>Access summary</h3>
      <form className="filters" onSubmit={onSubmit} aria-label="Access summary period">
        <div className="field">
          <label htmlFor={`${id}-from`}>Summary start day</label>
          <input id={`${id}-from`} type="date" value={from} onChange={(e) => setSummaryRange(e.target.value, to < e.target.value ? e.target.value : to)} />
        </div>
        <div className="field">
          <label htmlFor={`${id}-to`}>Summary end day</label>
          <input id={`${id}-to`} type="date" value={to} min={from} onChange={(e) => setSummaryRange(from, e.target.value)} />
        </div>
        <button type="submit" className="btn btn-small" disabled={loading}>
          {loading ? 'Counting…' : 'Summarise'}
        </button>
      </form>
      {error ? <ErrorNote testId="access-summary-error">{error}</ErrorNote> : null}
      {summary ? (
        <>
          <p role="status" data-testid="access-summary-total">
            {summary.total} {summary.total === 1 ? 'visit' : 'visits'} from {summary.from} to {summary.to} (site days, {summary.timeZone}).
          </p>
          <div className="table-wrap">
            <table className="table table-compact" data-testid="access-summary-table">
              <caption className="sr-only">Visits by who was seen, with their share of all visits</caption>
              <thead>
                <tr>
                  <th scope="col">Who</th>
                  <th scope="col" className="num">Visits</th>
                  <th scope="col" className="num">Share</th>
                </tr>
              </thead>
              <tbody>
                {rows.map(([key, label, count, rate]) => (
                  <tr key={key} data-kind={key}>
                    <th scope="row">{label}</th>
                    <td className="num">{count}</td>
                    <td className="num">{percent(rate)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      ) : null}
    </section>
  );
}

/** The access log: visits in a time range, by person, camera, direction and status. */
export function AccessLogSearch() {
  const filters = useAccess((s) => s.filters);
  const log = useAccess((s) => s.log);
  const loading = useAccess((s) => s.logLoading);
  const error = useAccess((s) => s.logError);
  const people = useShifts((s) => s.people);
  const cameras = useShifts((s) => s.cameras);
  const { editFilters, search } = useAccess.getState();
  const id = useId();
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    void search();
  };
  const edit = <K extends keyof AccessFilters>(key: K) => (e: { target: { value: string } }) => editFilters({ [key]: e.target.value } as Partial<AccessFilters>);
  return (
    <section className="panel" aria-labelledby={`${id}-title`} data-testid="access-log">
      <h3 id={`${id}-title`}>Access log</h3>
      <form className="filters" onSubmit={onSubmit} aria-label="Access log filters">
        <div className="field">
          <label htmlFor={`${id}-start`}>Log start (site time)</label>
          <input id={`${id}-start`} type="datetime-local" value={filters.from} onChange={edit('from')} />
        </div>
        <div className="field">
          <label htmlFor={`${id}-end`}>Log end (site time)</label>
          <input id={`${id}-end`} type="datetime-local" value={filters.to} onChange={edit('to')} />
        </div>
        <div className="field">
          <label htmlFor={`${id}-person`}>Person</label>
          <select id={`${id}-person`} value={filters.personId} onChange={edit('personId')}>
            <option value="">Anyone</option>
            {people.map((p) => (
              <option key={p.personId} value={String(p.personId)}>
                {p.name}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-camera`}>Camera</label>
          <select id={`${id}-camera`} value={filters.cameraId} onChange={edit('cameraId')}>
            <option value="">Any camera</option>
            {cameras.map((c) => (
              <option key={c.id} value={String(c.id)}>
                {c.name}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-direction`}>Direction</label>
          <select id={`${id}-direction`} value={filters.direction} onChange={edit('direction')}>
            <option value="">Any direction</option>
            {cameraDirections.map((d) => (
              <option key={d} value={d}>
                {directionWords[d]}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-status`}>Who</label>
          <select id={`${id}-status`} value={filters.status} onChange={edit('status')}>
            <option value="">Everyone</option>
            {(['member', 'unknown', 'blocked'] as const).map((s) => (
              <option key={s} value={s}>
                {statusWords[s]}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" className="btn btn-small" disabled={loading}>
          {loading ? 'Searching…' : 'Search the log'}
        </button>
      </form>
      {error ? <ErrorNote testId="access-log-error">{error}</ErrorNote> : null}
      {log ? (
        <>
          <p role="status" className="muted small" data-testid="access-log-count">
            {log.entries.length} {log.entries.length === 1 ? 'visit' : 'visits'}, newest first (site time, {log.timeZone})
            {log.truncated ? '; there are more: narrow the range or the filters' : ''}.
          </p>
          {log.entries.length ? (
            <div className="table-wrap">
              <table className="table table-compact" data-testid="access-log-table">
                <caption className="sr-only">Visits matching the filters, newest first</caption>
                <thead>
                  <tr>
                    <th scope="col">When</th>
                    <th scope="col">Camera</th>
                    <th scope="col">Direction</th>
                    <th scope="col">Who</th>
                  </tr>
                </thead>
                <tbody>
                  {log.entries.map((e) => (
                    <tr key={e.id} data-visit={e.id}>
                      <th scope="row">
                        {e.at.slice(0, 10)} {wallTime(e.at)}
                      </th>
                      <td>{e.camera}</td>
                      <td>{directionWords[e.direction]}</td>
                      <td>{e.person ?? statusWords[e.status]}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ) : null}
        </>
      ) : null}
    </section>
  );
}
