import { useEffect, type FormEvent } from 'react';
import { ListStatus } from '../components/Notice';
import { formatTime } from '../lib/format';
import { emptyAuditFilters, useAudit } from '../store/audit';

/** Subject and details of an entry in one line of plain text (details as key: value). */
function describeDetails(details: Record<string, unknown>): string {
  return Object.entries(details)
    .map(([key, value]) => `${key}: ${typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value)}`)
    .join(', ');
}

function Verification() {
  const verification = useAudit((s) => s.verification);
  const verifying = useAudit((s) => s.verifying);
  const verify = useAudit((s) => s.verify);
  return (
    <div className="audit-verify">
      <button type="button" className="btn btn-small" onClick={() => void verify()} disabled={verifying} data-testid="audit-verify">
        {verifying ? 'Checking…' : 'Check the trail'}
      </button>
      {verification ? (
        <p role="status" className={verification.ok ? 'note' : 'note note-warn'} data-testid="audit-verification" data-ok={verification.ok}>
          {verification.ok
            ? `Intact: ${verification.entries} entries, each linked to the one before it; the trail is append-only.`
            : `Broken${verification.firstBadId !== null ? ` at entry ${verification.firstBadId}` : ''}: ${verification.problem ?? 'the chain does not hold'}.`}
        </p>
      ) : null}
    </div>
  );
}

export function AuditView() {
  const filters = useAudit((s) => s.filters);
  const entries = useAudit((s) => s.entries);
  const more = useAudit((s) => s.more);
  const loading = useAudit((s) => s.loading);
  const loaded = useAudit((s) => s.loaded);
  const error = useAudit((s) => s.error);
  const notice = useAudit((s) => s.notice);
  const exporting = useAudit((s) => s.exporting);
  const { setFilters, load, loadMore, exportCsv } = useAudit.getState();

  useEffect(() => {
    if (!useAudit.getState().loaded) void load();
  }, [load]);

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    void load();
  }

  return (
    <div className="view">
      <div className="view-head">
        <h2>Audit</h2>
        <p className="muted">Who did what, newest first. Entries cannot be changed or removed; each is linked to the one before it.</p>
      </div>
      <form className="filters" onSubmit={onSubmit} aria-label="Filter the audit trail" data-testid="audit-filters">
        <label>
          From
          <input type="date" value={filters.from} onChange={(e) => setFilters({ from: e.target.value })} />
        </label>
        <label>
          To
          <input type="date" value={filters.to} onChange={(e) => setFilters({ to: e.target.value })} />
        </label>
        <label>
          Operator
          <input type="text" value={filters.operator} maxLength={200} onChange={(e) => setFilters({ operator: e.target.value })} />
        </label>
        <label>
          Action
          <input
            type="text"
            value={filters.action}
            maxLength={100}
            placeholder="e.g. person, camera.added"
            onChange={(e) => setFilters({ action: e.target.value })}
          />
        </label>
        <button type="submit" className="btn btn-small" disabled={loading}>
          {loading ? 'Loading…' : 'Apply'}
        </button>
        <button
          type="button"
          className="btn btn-small btn-ghost"
          onClick={() => {
            setFilters(emptyAuditFilters);
            void load();
          }}
        >
          Clear
        </button>
        <button type="button" className="btn btn-small" onClick={() => void exportCsv()} disabled={exporting} data-testid="audit-export">
          {exporting ? 'Exporting…' : 'Export CSV'}
        </button>
      </form>
      <Verification />
      {notice ? (
        <p role="status" className="note">
          {notice}
        </p>
      ) : null}
      <ListStatus what="audit entries" error={error} loaded={loaded} count={entries.length} empty="No audit entries match." />
      {entries.length > 0 ? (
        <div className="table-wrap">
          <table className="table" data-testid="audit-table">
            <caption className="sr-only">Audit entries, newest first</caption>
            <thead>
              <tr>
                <th scope="col" className="num">#</th>
                <th scope="col">Time</th>
                <th scope="col">Operator</th>
                <th scope="col">Action</th>
                <th scope="col">Subject</th>
                <th scope="col">Details</th>
              </tr>
            </thead>
            <tbody>
              {entries.map((e) => (
                <tr key={e.id} data-action={e.action}>
                  <td className="num">{e.id}</td>
                  <td>
                    <time dateTime={e.at}>{formatTime(e.at)}</time>
                  </td>
                  <td>{e.operator}</td>
                  <th scope="row">{e.action}</th>
                  <td>
                    {e.subjectLabel ?? e.subjectKind}
                    {e.subjectId !== null ? <span className="muted small"> ({e.subjectKind} {e.subjectId})</span> : null}
                  </td>
                  <td className="small">{describeDetails(e.details)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {more ? (
        <button type="button" className="btn btn-small" onClick={() => void loadMore()} disabled={loading}>
          Older entries
        </button>
      ) : null}
    </div>
  );
}
