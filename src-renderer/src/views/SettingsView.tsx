import { useEffect, useId } from 'react';
import type { AlertPriority, AlertRuleSetting } from '../../../src-preload/contract';
import { ErrorNote, EmptyState } from '../components/Notice';
import { priorityWords, ruleDescriptions, ruleWords } from '../lib/alert-words';
import { alertRuleNames, useAlertRules } from '../store/alertRules';
import { useMatcherChoice, type MatcherMode } from '../store/matcherChoice';
import { type CredentialsField, useMatcherCredentials } from '../store/matcherCredentials';
import { useSystem } from '../store/system';
import { useVisitRetention } from '../store/visitRetention';

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

const credentialFields: Array<{ field: CredentialsField; label: string; secret: boolean; hint?: string }> = [
  { field: 'accessKeyId', label: 'Access key id', secret: false },
  { field: 'secretAccessKey', label: 'Secret access key', secret: true },
  { field: 'sessionToken', label: 'Session token (optional)', secret: true, hint: 'Only for temporary credentials (a key id starting ASIA).' },
];

/**
 * The AWS credentials the remote matcher signs with, entered by an administrator: stored
 * encrypted, never shown again (only whether some are set and the key id's last 4 characters).
 */
function MatcherCredentialsForm() {
  const id = useId();
  const state = useMatcherCredentials((s) => s.state);
  const draft = useMatcherCredentials((s) => s.draft);
  const problems = useMatcherCredentials((s) => s.problems);
  const loadError = useMatcherCredentials((s) => s.loadError);
  const saveError = useMatcherCredentials((s) => s.saveError);
  const busy = useMatcherCredentials((s) => s.busy);
  const status = useMatcherCredentials((s) => s.status);
  const { load, edit, save, clear } = useMatcherCredentials.getState();
  useEffect(() => {
    void load();
  }, [load]);
  return (
    <form
      noValidate
      aria-labelledby={`${id}-title`}
      data-testid="matcher-credentials"
      data-set={state ? String(state.set) : undefined}
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <h4 id={`${id}-title`}>AWS credentials</h4>
      {loadError ? <ErrorNote>The credentials state could not be loaded. {loadError}</ErrorNote> : null}
      {state ? (
        <p className={state.problem ? 'note note-warn' : 'small'} data-testid="matcher-credentials-state">
          {state.problem
            ? `Credentials are set but cannot be used: ${state.problem}. The standard AWS chain is used meanwhile.`
            : state.set
              ? `Set in Settings: the key ending in ${state.accessKeyIdEnding}${state.hasSessionToken ? ', with a session token' : ''}. Used instead of the standard AWS chain.`
              : 'Not set: the standard AWS chain is used (environment, shared credentials file, instance role).'}
        </p>
      ) : null}
      <p className="muted small">
        Stored encrypted on this machine and never shown again. A change applies at once, no restart. Give this key only the Rekognition rights the
        site needs (search, index, delete and list faces in its collection).
      </p>
      <fieldset disabled={busy} className="plain-fieldset">
        {credentialFields.map(({ field, label, secret, hint }) => {
          const problemId = `${id}-${field}-problem`;
          const hintId = `${id}-${field}-hint`;
          const described = [problems[field] ? problemId : null, hint ? hintId : null].filter(Boolean).join(' ') || undefined;
          return (
            <div className="field" key={field}>
              <label htmlFor={`${id}-${field}`}>{label}</label>
              <input
                id={`${id}-${field}`}
                type={secret ? 'password' : 'text'}
                autoComplete="off"
                spellCheck={false}
                value={draft[field]}
                aria-invalid={problems[field] ? true : undefined}
                aria-describedby={described}
                onChange={(e) => edit(field, e.target.value)}
              />
              {hint ? (
                <p className="small muted" id={hintId}>
                  {hint}
                </p>
              ) : null}
              {problems[field] ? (
                <p className="field-error" id={problemId} data-testid={`matcher-credentials-problem-${field}`}>
                  {problems[field]}
                </p>
              ) : null}
            </div>
          );
        })}
        <div className="rules-actions">
          <button type="submit" className="btn btn-primary">
            {busy ? 'Saving…' : 'Save credentials'}
          </button>
          {state?.set ? (
            <button type="button" className="btn" onClick={() => void clear()}>
              Clear (use the standard AWS chain)
            </button>
          ) : null}
          <span role="status" className="small" data-testid="matcher-credentials-status">
            {status}
          </span>
        </div>
      </fieldset>
      <ErrorNote testId="matcher-credentials-error">{saveError}</ErrorNote>
    </form>
  );
}

const modeNames: Record<MatcherMode, string> = { local: 'Local only', hybrid: 'Hybrid (local first, Rekognition when unsure)', rekognition: 'Rekognition for every visit' };

/**
 * The site config's matcher (mode, region, collection), written to config.json by an admin; it
 * applies when Vigil restarts (said on the form and after saving).
 */
function MatcherChoiceForm() {
  const id = useId();
  const state = useMatcherChoice((s) => s.state);
  const draft = useMatcherChoice((s) => s.draft);
  const problems = useMatcherChoice((s) => s.problems);
  const loadError = useMatcherChoice((s) => s.loadError);
  const saveError = useMatcherChoice((s) => s.saveError);
  const busy = useMatcherChoice((s) => s.busy);
  const status = useMatcherChoice((s) => s.status);
  const { load, edit, save } = useMatcherChoice.getState();
  useEffect(() => {
    void load();
  }, [load]);
  if (loadError) return <ErrorNote>The matcher settings could not be loaded. {loadError}</ErrorNote>;
  if (!draft || !state) return null;
  const remote = draft.mode !== 'local';
  return (
    <form
      noValidate
      aria-labelledby={`${id}-title`}
      data-testid="matcher-choice"
      data-restart-needed={String(state.restartNeeded)}
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <h4 id={`${id}-title`}>Mode, region and collection</h4>
      <p className="muted small">Saved in the site's config.json. A change applies when Vigil restarts.</p>
      {state.restartNeeded ? (
        <p className="note note-warn" data-testid="matcher-choice-restart">
          Saved as {modeNames[state.saved.mode].toLowerCase()}; running {modeNames[state.running.mode].toLowerCase()} until Vigil restarts.
        </p>
      ) : null}
      <fieldset disabled={busy} className="plain-fieldset">
        <div className="field">
          <label htmlFor={`${id}-mode`}>Mode</label>
          <select id={`${id}-mode`} value={draft.mode} onChange={(e) => edit({ mode: e.target.value as MatcherMode })}>
            {(Object.keys(modeNames) as MatcherMode[]).map((mode) => (
              <option key={mode} value={mode}>
                {modeNames[mode]}
              </option>
            ))}
          </select>
        </div>
        {(['region', 'collectionId'] as const).map((field) => (
          <div className="field" key={field}>
            <label htmlFor={`${id}-${field}`}>{field === 'region' ? `AWS region${remote ? '' : ' (optional)'}` : `Rekognition collection${remote ? '' : ' (optional)'}`}</label>
            <input
              id={`${id}-${field}`}
              type="text"
              spellCheck={false}
              autoComplete="off"
              placeholder={field === 'region' ? 'eu-west-1' : 'vigil-site'}
              value={draft[field]}
              aria-invalid={problems[field] ? true : undefined}
              aria-describedby={problems[field] ? `${id}-${field}-problem` : undefined}
              onChange={(e) => edit({ [field]: e.target.value })}
            />
            {problems[field] ? (
              <p className="field-error" id={`${id}-${field}-problem`} data-testid={`matcher-choice-problem-${field}`}>
                {problems[field]}
              </p>
            ) : null}
          </div>
        ))}
        <div className="rules-actions">
          <button type="submit" className="btn btn-primary">
            {busy ? 'Saving…' : 'Save matcher settings'}
          </button>
          <span role="status" className="small" data-testid="matcher-choice-status">
            {status}
          </span>
        </div>
      </fieldset>
      <ErrorNote testId="matcher-choice-error">{saveError}</ErrorNote>
    </form>
  );
}

/** Which matcher names people and, when a remote one is on, its health (read from the engine's status). */
function MatcherSection() {
  const matcher = useSystem((s) => s.status?.matcher);
  const load = useSystem((s) => s.load);
  const mayManage = useSystem((s) => s.status?.caller?.permissions.includes('settings.manage') ?? false);
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
      {mayManage ? (
        <>
          <MatcherChoiceForm />
          <MatcherCredentialsForm />
        </>
      ) : null}
    </section>
  );
}

/** How long visits are kept, and what the last purge held back for attendance (admins only). */
function VisitRetentionSection() {
  const mayManage = useSystem((s) => s.status?.caller?.permissions.includes('settings.manage') ?? false);
  const { state, draft, problem, error, status, load, edit, save } = useVisitRetention();
  const id = useId();
  useEffect(() => {
    if (mayManage) void load();
  }, [mayManage, load]);
  if (!mayManage) return null;
  const last = state?.lastPurge ?? null;
  return (
    <section aria-labelledby={`${id}-title`} data-testid="visit-retention">
      <h3 id={`${id}-title`}>Visit retention</h3>
      <p className="small">
        Visits (one row per walk-by) older than this are deleted hourly. Visits attendance still needs are kept until HR locks their
        period; occupancy counts, locked attendance days and the audit trail are kept.
      </p>
      <form
        className="form"
        // Our message says why (the browser's bubble would block the submit without it).
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <div className="field">
          <label htmlFor={`${id}-days`}>Keep visits for (days, 31 to 3650)</label>
          <input
            id={`${id}-days`}
            type="number"
            min={31}
            max={3650}
            step={1}
            disabled={draft.off}
            value={draft.days}
            aria-invalid={problem ? true : undefined}
            aria-describedby={problem ? `${id}-problem` : undefined}
            onChange={(e) => edit({ days: e.target.value })}
          />
        </div>
        <div className="field">
          <label>
            <input type="checkbox" checked={draft.off} onChange={(e) => edit({ off: e.target.checked })} /> Keep visits for ever (retention off)
          </label>
        </div>
        {problem ? (
          <p id={`${id}-problem`} role="alert" className="note note-warn">
            {problem}
          </p>
        ) : null}
        {status ? (
          <p role="status" className="small" data-testid="visit-retention-status">
            {status}
          </p>
        ) : null}
        <ErrorNote testId="visit-retention-error">{error}</ErrorNote>
        <div className="actions">
          <button type="submit" className="btn">
            Save retention
          </button>
        </div>
      </form>
      {last ? (
        <p className={last.heldForLock > 0 ? 'note note-warn' : 'small'} data-testid="visit-retention-last">
          Last purge {new Date(last.at).toLocaleString()}: {last.deleted} deleted.{last.message ? ` ${last.message}.` : ''}
          {last.heldForOccupancy > 0 ? ` ${last.heldForOccupancy} wait for their occupancy hour to be kept.` : ''}
        </p>
      ) : null}
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
      <VisitRetentionSection />
      <AlertRulesSection />
    </div>
  );
}
