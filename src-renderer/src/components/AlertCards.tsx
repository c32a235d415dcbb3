import type { Alert } from '../../../src-preload/contract';
import { ruleWords } from '../lib/alert-words';
import { formatTime } from '../lib/format';
import { VISIBLE_CARDS, useAlerts } from '../store/alerts';
import { ErrorNote } from './Notice';

function AlertCard({ alert, newest }: { alert: Alert; newest: boolean }) {
  const face = useAlerts((s) => s.faces[alert.id]);
  const busy = useAlerts((s) => s.busy === alert.id);
  const error = useAlerts((s) => (s.ackError?.id === alert.id ? s.ackError.message : null));
  const acknowledge = useAlerts((s) => s.acknowledge);
  const openAlert = useAlerts((s) => s.openAlert);
  const headingId = `alert-card-title-${alert.id}`;
  return (
    <article
      className={`alert-card alert-card-${alert.priority}`}
      aria-labelledby={headingId}
      data-testid={`alert-card-${alert.id}`}
      data-alert-id={alert.id}
      data-priority={alert.priority}
      data-count={alert.count}
    >
      {face ? <img className="alert-card-face" src={face} alt={`Face seen: ${alert.message}`} /> : null}
      <div className="alert-card-body">
        <h3 id={headingId}>
          <span className={`pill pill-priority-${alert.priority}`}>{alert.priority}</span> {ruleWords[alert.rule]}
          {alert.count > 1 ? (
            <span className="alert-card-count" data-testid="alert-card-count" aria-label={`seen ${alert.count} times`}>
              ×{alert.count}
            </span>
          ) : null}
        </h3>
        <p className="alert-card-message">{alert.message}</p>
        <p className="small muted">
          {alert.cameraName ? <>{alert.cameraName} · </> : null}
          <time dateTime={alert.lastRaisedAt}>{formatTime(alert.lastRaisedAt)}</time>
        </p>
        <div className="alert-card-actions">
          <button
            type="button"
            className="btn btn-small btn-primary"
            disabled={busy}
            onClick={() => void acknowledge(alert.id, '')}
            aria-label={`Acknowledge: ${alert.message}`}
            aria-keyshortcuts={newest ? 'Alt+A' : undefined}
            title={newest ? 'Acknowledge (Alt+A)' : 'Acknowledge'}
          >
            {busy ? 'Saving…' : 'Acknowledge'}
          </button>
          <button type="button" className="btn btn-small" disabled={busy} onClick={() => void openAlert(alert.id)} aria-label={`Open in Alerts: ${alert.message}`}>
            Open
          </button>
        </div>
        <ErrorNote>{error}</ErrorNote>
      </div>
    </article>
  );
}

/** New medium/high alerts over the live wall: the newest few as cards, the rest counted. */
export function AlertCards() {
  const cardIds = useAlerts((s) => s.cardIds);
  const alerts = useAlerts((s) => s.alerts);
  const beeps = useAlerts((s) => s.beeps);
  if (cardIds.length === 0) return null;
  const byId = new Map(alerts.map((a) => [a.id, a]));
  const shown = cardIds.slice(0, VISIBLE_CARDS).flatMap((id) => byId.get(id) ?? []);
  const more = cardIds.length - shown.length;
  return (
    <section className="alert-cards" aria-label="New alerts" data-testid="alert-cards" data-total={cardIds.length} data-beeps={beeps}>
      <p className="sr-only" aria-live="polite">
        {cardIds.length === 1 ? '1 new alert' : `${cardIds.length} new alerts`}
      </p>
      {shown.map((alert, index) => (
        <AlertCard key={alert.id} alert={alert} newest={index === 0} />
      ))}
      {more > 0 ? (
        <a className="alert-cards-more" href="#alerts" data-testid="alert-cards-more">
          {more} more {more === 1 ? 'alert' : 'alerts'} — show all
        </a>
      ) : null}
    </section>
  );
}
