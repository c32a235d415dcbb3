import { useEffect, useId } from 'react';
import { EmptyState, ErrorNote } from '../components/Notice';
import { formatTime } from '../lib/format';
import { categoryWords } from '../lib/people-words';
import { usePeople } from '../store/people';
import { usePersonPanel } from '../store/personPanel';
import { useMay } from '../store/session';
import { BulkImport } from './BulkImport';
import { CategoryField } from './CategoryField';
import { EnrollForm } from './EnrollForm';
import { PersonPanel } from './PersonPanel';


function Filters() {
  const filters = usePeople((s) => s.filters);
  const setFilter = usePeople((s) => s.setFilter);
  const ids = { search: useId(), status: useId(), department: useId() };
  return (
    <form className="filters" role="search" aria-label="Find people" onSubmit={(e) => e.preventDefault()}>
      <div className="field">
        <label htmlFor={ids.search}>Search people</label>
        <input id={ids.search} type="search" value={filters.search} placeholder="Name or employee code…" autoComplete="off" onChange={(e) => setFilter('search', e.target.value)} />
      </div>
      <CategoryField value={filters.category} allLabel="All" onChange={(v) => setFilter('category', v)} />
      <div className="field">
        <label htmlFor={ids.status}>Status</label>
        <select id={ids.status} value={filters.status} onChange={(e) => setFilter('status', e.target.value as 'active' | 'inactive' | '')}>
          <option value="">All</option>
          <option value="active">Active</option>
          <option value="inactive">Inactive</option>
        </select>
      </div>
      <div className="field">
        <label htmlFor={ids.department}>Department</label>
        <input id={ids.department} type="text" value={filters.department} autoComplete="off" onChange={(e) => setFilter('department', e.target.value)} />
      </div>
    </form>
  );
}

export function PeopleView() {
  const people = usePeople((s) => s.people);
  const filters = usePeople((s) => s.filters);
  const loaded = usePeople((s) => s.loaded);
  const loading = usePeople((s) => s.loading);
  const error = usePeople((s) => s.error);
  const selectedId = usePeople((s) => s.selectedId);
  const select = usePeople((s) => s.select);
  const openPanel = usePersonPanel((s) => s.open);
  const eraseNotice = usePersonPanel((s) => s.eraseNotice);
  const mayEnroll = useMay('people.enroll');
  const filtered = Boolean(filters.search.trim() || filters.category || filters.status || filters.department.trim());

  useEffect(() => {
    if (selectedId !== null) void openPanel(selectedId);
  }, [selectedId, openPanel]);

  return (
    <div className="view view-split">
      <div className="view-main">
        {eraseNotice ? (
          <p className="note note-warn" role="status" data-testid="erase-remote-pending">
            {eraseNotice}
          </p>
        ) : null}
        <div className="view-head">
          <h2>People</h2>
        </div>
        <Filters />
        {error ? <ErrorNote>People could not be loaded. {error}</ErrorNote> : null}
        {!loaded && !error ? <EmptyState>Loading people…</EmptyState> : null}
        {loaded && people.length === 0 && !loading ? (
          <EmptyState>{filtered ? 'Nobody matches these filters.' : 'Nobody is enrolled yet. Use the form to enroll a person.'}</EmptyState>
        ) : null}
        {people.length > 0 ? (
          <div className="table-wrap">
            <table className="table" data-testid="people-table">
              <caption className="sr-only">Enrolled people</caption>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Code</th>
                  <th scope="col">Department</th>
                  <th scope="col">Category</th>
                  <th scope="col">Status</th>
                  <th scope="col" className="num">Templates</th>
                  <th scope="col">Last seen</th>
                  <th scope="col">
                    <span className="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {people.map((person) => (
                  <tr key={person.id} data-person-id={person.id} aria-selected={selectedId === person.id} className={person.status === 'inactive' ? 'row-inactive' : ''}>
                    <th scope="row">
                      {person.name}
                      {person.resemblanceToReview ? (
                        <span className="pill pill-warn" title="Resembles someone enrolled: open to review" data-testid="resemblance-pill">
                          {' '}
                          resembles someone
                        </span>
                      ) : null}
                    </th>
                    <td>{person.employeeCode ?? '—'}</td>
                    <td>{person.department ?? '—'}</td>
                    <td>
                      <span className={`pill pill-${person.category === 'blocked' ? 'blocked' : 'member'}`}>{categoryWords[person.category]}</span>
                    </td>
                    <td>{person.status === 'active' ? 'Active' : 'Inactive'}</td>
                    <td className="num">{person.templateCount}</td>
                    <td data-testid="person-last-seen">{person.lastSeen ? <time dateTime={person.lastSeen}>{formatTime(person.lastSeen)}</time> : 'Never'}</td>
                    <td className="row-actions">
                      <button type="button" className="btn btn-small" aria-label={`Open ${person.name}`} onClick={() => select(person.id)}>
                        Open
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
      </div>
      <aside className="view-side" aria-label={selectedId !== null ? 'Person' : 'Enrollment'}>
        {selectedId !== null ? (
          <PersonPanel />
        ) : (
          mayEnroll ? (
            <>
              <EnrollForm />
              <BulkImport />
            </>
          ) : (
            <p className="muted">Select a person to see their record.</p>
          )
        )}
      </aside>
    </div>
  );
}
