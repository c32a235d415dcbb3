import { useEffect, useId, useRef, useState } from 'react';
import type { Alert } from '../../../src-preload/contract';
import { ErrorNote, ListStatus } from '../components/Notice';
import { ruleWords } from '../lib/alert-words';
import { formatTime } from '../lib/format';
import { useAlerts } from '../store/alerts';

function AcknowledgeForm({ alert }: { alert: Alert }) {
  const [note, setNote] = useState('');
  const busy = useAlerts((s) => s.busy === alert.id);
  const acknowledge = useAlerts((s) => s.acknowledge);
  const startAcknowledge = useAlerts((s) => s.startAcknowledge);
  const noteId = useId();
  return (
    <form
      className="ack-form"
      aria-label={`Acknowledge alert ${alert.id}`}
      onSubmit={(e) => {
        e.preventDefault();
        void acknowledge(alert.id, note);
      }}
      onKeyDown={(e) => {
        if (e.key === 'Escape') startAcknowledge(null);
      }}
    >
      <label htmlFor={noteId}>Note</label>
      <input id={noteId} value={note} onChange={(e) => setNote(e.target.value)} maxLength={500} autoFocus autoComplete="off" placeholder="What was done (optional)" />
      <button type="submit" className="btn btn-small btn-primary" disabled={busy}>
        {busy ? 'Saving…' : 'Acknowledge'}
      </button>
      <button type="button" className="btn btn-small" disabled={busy} onClick={() => startAcknowledge(null)}>
        Cancel
      </button>
    </form>
  );
}

function AlertRow({ alert }: { alert: Alert }) {
  const acknowledging = useAlerts((s) => s.acknowledging === alert.id);
  const startAcknowledge = useAlerts((s) => s.startAcknowledge);
  const error = useAlerts((s) => (s.ackError?.id === alert.id ? s.ackError.message : null));
  const focused = useAlerts((s) => s.focusAlertId === alert.id);
  const rowRef = useRef<HTMLTableRowElement>(null);
  // Opened from its card on the wall: scrolled to and focused here.
  useEffect(() => {
    if (!focused || !rowRef.current) return;
    rowRef.current.scrollIntoView({ block: 'center' });
    rowRef.current.focus();
  }, [focused]);
  return (
    <tr
      ref={rowRef}
      tabIndex={focused ? -1 : undefined}
      className={focused ? 'row-focused' : undefined}
      data-alert-id={alert.id}
      data-priority={alert.priority}
      data-acknowledged={alert.acknowledgedAt ? 'true' : 'false'}
      data-count={alert.count}
    >
      <td>
        <time dateTime={alert.lastRaisedAt}>{formatTime(alert.lastRaisedAt)}</time>
        {alert.count > 1 ? (
          <span className="small muted">
            {' '}
            (first <time dateTime={alert.createdAt}>{formatTime(alert.createdAt)}</time>)
          </span>
        ) : null}
      </td>
      <td>
        <span className={`pill pill-priority-${alert.priority}`}>{alert.priority}</span>
      </td>
      <td>{ruleWords[alert.rule]}</td>
      <th scope="row" className="alert-message">
        {alert.message}
        {alert.count > 1 ? <span className="alert-count" aria-label={`seen ${alert.count} times`}> ×{alert.count}</span> : null}
      </th>
      <td>
        {alert.acknowledgedAt ? (
          <span className="small">
            Acknowledged by {alert.acknowledgedBy} at <time dateTime={alert.acknowledgedAt}>{formatTime(alert.acknowledgedAt)}</time>
            {alert.note ? <>: “{alert.note}”</> : null}
          </span>
        ) : acknowledging ? (
          <AcknowledgeForm alert={alert} />
        ) : (
          <button type="button" className="btn btn-small" onClick={() => startAcknowledge(alert.id)} aria-label={`Acknowledge: ${alert.message}`}>
            Acknowledge
          </button>
        )}
        <ErrorNote>{error}</ErrorNote>
      </td>
    </tr>
  );
}

export function AlertsView() {
  const alerts = useAlerts((s) => s.alerts);
  const loaded = useAlerts((s) => s.loaded);
  const error = useAlerts((s) => s.error);
  const [openOnly, setOpenOnly] = useState(false);
  const shown = openOnly ? alerts.filter((a) => !a.acknowledgedAt) : alerts;
  const filterId = useId();
  const beeps = useAlerts((s) => s.beeps);
  const beepsHeld = useAlerts((s) => s.beepsHeld);

  return (
    <div className="view" data-testid="alerts-view" data-beeps={beeps} data-beeps-held={beepsHeld}>
      <div className="view-head">
        <h2>Alerts</h2>
        <p className="muted">
          Most recent first; repeats of a rule for the same subject add to the open alert (×2, ×3…). High-priority alerts beep.{' '}
          <kbd>Alt+A</kbd> acknowledges the newest open alert. Rules are set under Settings.
        </p>
        <label htmlFor={filterId} className="inline-check">
          <input id={filterId} type="checkbox" checked={openOnly} onChange={(e) => setOpenOnly(e.target.checked)} /> Unacknowledged only
        </label>
      </div>
      <ListStatus what="alerts" error={error} loaded={loaded} count={shown.length} empty={openOnly ? 'No open alerts.' : 'No alerts yet.'} />
      {shown.length > 0 ? (
        <div className="table-wrap">
          <table className="table" data-testid="alerts-table">
            <caption className="sr-only">Alerts, most recently raised first</caption>
            <thead>
              <tr>
                <th scope="col">Last seen</th>
                <th scope="col">Priority</th>
                <th scope="col">Rule</th>
                <th scope="col">What happened</th>
                <th scope="col">Acknowledgement</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((alert) => (
                <AlertRow key={alert.id} alert={alert} />
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </div>
  );
}
