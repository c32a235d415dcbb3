import { useEffect } from 'react';
import type { AlertPriority, AlertRuleSetting } from '../../../src-preload/contract';
import { ErrorNote, EmptyState } from '../components/Notice';
import { priorityWords, ruleDescriptions, ruleWords } from '../lib/alert-words';
import { alertRuleNames, useAlertRules } from '../store/alertRules';
import { useSystem } from '../store/system';

const priorities: AlertPriority[] = ['low', 'medium', 'high'];

const defaultWords = (d: AlertRuleSetting) =>
  `${d.enabled ? 'on' : 'off'}, ${priorityWords[d.priority].toLowerCase()}, ${d.repeatWindowMinutes} min`;

function AlertRulesSection() {
  const draft = useAlertRules((s) => s.draft);
  const defaults = useAlertRules((s) => s.defaults);
  const problems = useAlertRules((s) => s.problems);
  const loadError = useAlertRules((s) => s.loadError);
  const saveError = useAlertRules((s) => s.saveError);
  const saving = useAlertRules((s) => s.saving);
  const status = useAlertRules((s) => s.status);
  const { load, edit, save, restoreDefaults } = useAlertRules.getState();
  const mayConfigure = useSystem((s) => s.status?.caller?.permissions.includes('alerts.configure') ?? true);

  useEffect(() => {
    void load();
  }, [load]);

  return (
    <section aria-labelledby="alert-rules-title" data-testid="alert-rules">
      <h3 id="alert-rules-title">Alert rules</h3>
      <p className="muted">
        Which events raise an alert, how urgent it is, and for how long repeats of the same rule for the same person, stranger or camera are added to
        the open alert (shown as ×2, ×3…) instead of a new one. Medium and high alerts show a card over the Live wall and count on the Alerts tab; high
        ones beep.
      </p>
      {loadError ? <ErrorNote>Alert rules could not be loaded. {loadError}</ErrorNote> : null}
      {!draft && !loadError ? <EmptyState>Loading alert rules…</EmptyState> : null}
      {draft ? (
        <form
          noValidate
          aria-label="Alert rules"
          onSubmit={(e) => {
            e.preventDefault();
            void save();
          }}
        >
          <fieldset disabled={!mayConfigure || saving} className="plain-fieldset">
            <div className="table-wrap">
              <table className="table rules-table">
                <caption className="sr-only">One row per rule</caption>
                <thead>
                  <tr>
                    <th scope="col">Rule</th>
                    <th scope="col">On</th>
                    <th scope="col">Priority</th>
                    <th scope="col">Repeat window (minutes)</th>
                    <th scope="col">Default</th>
                  </tr>
                </thead>
                <tbody>
                  {alertRuleNames.map((rule) => {
                    const row = draft[rule];
                    const problemId = `rule-problem-${rule}`;
                    return (
                      <tr key={rule} data-rule={rule}>
                        <th scope="row">
                          {ruleWords[rule]}
                          <p className="small muted">{ruleDescriptions[rule]}</p>
                        </th>
                        <td>
                          <input
                            type="checkbox"
                            checked={row.enabled}
                            aria-label={`Alert on: ${ruleWords[rule]}`}
                            onChange={(e) => edit(rule, { enabled: e.target.checked })}
                          />
                        </td>
                        <td>
                          <select value={row.priority} aria-label={`Priority: ${ruleWords[rule]}`} onChange={(e) => edit(rule, { priority: e.target.value as AlertPriority })}>
                            {priorities.map((p) => (
                              <option key={p} value={p}>
                                {priorityWords[p]}
                              </option>
                            ))}
                          </select>
                        </td>
                        <td>
                          <input
                            type="number"
                            inputMode="numeric"
                            min={0}
                            max={1440}
                            step={1}
                            value={row.repeatWindowMinutes}
                            aria-label={`Repeat window in minutes: ${ruleWords[rule]}`}
                            aria-invalid={problems[rule] ? true : undefined}
                            aria-describedby={problems[rule] ? problemId : undefined}
                            onChange={(e) => edit(rule, { repeatWindowMinutes: e.target.value })}
                          />
                          {problems[rule] ? (
                            <p className="field-error" id={problemId} data-testid={`rule-problem-${rule}`}>
                              {problems[rule]}
                            </p>
                          ) : null}
                        </td>
                        <td className="small muted">{defaults ? defaultWords(defaults[rule]) : ''}</td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
            <div className="rules-actions">
              <button type="submit" className="btn btn-primary">
                {saving ? 'Saving…' : 'Save alert rules'}
              </button>
              <button type="button" className="btn" onClick={restoreDefaults}>
                Fill in the defaults
              </button>
              <span role="status" className="small" data-testid="alert-rules-status">
                {status}
              </span>
            </div>
          </fieldset>
          {!mayConfigure ? <p className="muted small">Changing the rules needs the “alerts.configure” permission.</p> : null}
          <ErrorNote testId="alert-rules-error">{saveError}</ErrorNote>
        </form>
      ) : null}
    </section>
  );
}

const modeWords = {
  local: 'Local only: faces are matched on this machine; nothing leaves the site.',
  hybrid: 'Hybrid: the local gallery first; AWS Rekognition is asked (one face crop per visit) only about visits it leaves unknown or unsure.',
  rekognition: 'Rekognition: AWS Rekognition is asked about every visit (one face crop each); the local gallery answers meanwhile and while it is offline.',
} as const;

/** Which matcher names people and, when a remote one is on, its health (read from the engine's status). */
function MatcherSection() {
  const matcher = useSystem((s) => s.status?.matcher);
  const load = useSystem((s) => s.load);
  if (!matcher) return null;
  const remote = matcher.mode !== 'local';
  return (
    <section aria-labelledby="matcher-title" data-testid="matcher-health" data-mode={matcher.mode} data-online={String(matcher.online)}>
      <h3 id="matcher-title">Face matcher</h3>
      <p>{modeWords[matcher.mode]}</p>
      {remote ? (
        <>
          <p role="status" className={matcher.online ? 'note note-ok' : 'note note-warn'} data-testid="matcher-online">
            {matcher.online
              ? 'Remote matcher online.'
              : 'Remote matcher offline: recognition continues locally; enrollments and deletions wait in the queue and are sent when it is back.'}
          </p>
          {matcher.lastError ? (
            <p className="small" data-testid="matcher-last-error">
              Last error ({new Date(matcher.lastError.at).toLocaleString()}): {matcher.lastError.message}
            </p>
          ) : null}
          <dl className="facts">
            <dt>Waiting to be sent (index or delete faces)</dt>
            <dd data-testid="matcher-jobs-queued">{matcher.jobsQueued}</dd>
            <dt>Remote calls since start</dt>
            <dd>{matcher.remoteCalls}</dd>
            <dt>Answered from the per-visit cache</dt>
            <dd>{matcher.cacheHits}</dd>
            <dt>Throttled / retried / failed</dt>
            <dd>
              {matcher.throttled} / {matcher.retries} / {matcher.failures}
            </dd>
          </dl>
        </>
      ) : matcher.jobsQueued > 0 ? (
        <p className="note note-warn" data-testid="matcher-jobs-queued">
          {matcher.jobsQueued} remote deletion(s) wait for the remote matcher to be switched on again.
        </p>
      ) : null}
      <button type="button" className="btn btn-small" onClick={() => void load()}>
        Refresh
      </button>
    </section>
  );
}

/** Site settings an operator may change from the console. */
export function SettingsView() {
  return (
    <div className="view" data-testid="settings-view">
      <div className="view-head">
        <h2>Settings</h2>
      </div>
      <MatcherSection />
      <AlertRulesSection />
    </div>
  );
}
