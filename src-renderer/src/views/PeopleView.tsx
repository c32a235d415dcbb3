import { useId } from 'react';
import type { Person } from '../../../src-preload/contract';
import { EmptyState, ErrorNote } from '../components/Notice';
import { useReturnFocus } from '../lib/useReturnFocus';
import { formatTime } from '../lib/format';
import { usePeople } from '../store/people';
import { EnrollForm } from './EnrollForm';

const categoryWords: Record<Person['category'], string> = {
  employee: 'Employee',
  contractor: 'Contractor',
  visitor: 'Visitor',
  blocked: 'Blocked',
};

function PersonRow({ person }: { person: Person }) {
  const confirming = usePeople((s) => s.confirmingRemoval === person.id);
  const removing = usePeople((s) => s.removing === person.id);
  const removeError = usePeople((s) => (s.removeError?.id === person.id ? s.removeError.message : null));
  const askRemove = usePeople((s) => s.askRemove);
  const remove = usePeople((s) => s.remove);
  const removeButton = useReturnFocus(confirming);

  return (
    <tr data-person-id={person.id}>
      <th scope="row">{person.name}</th>
      <td>
        <span className={`pill pill-${person.category === 'blocked' ? 'blocked' : 'member'}`}>{categoryWords[person.category]}</span>
      </td>
      <td className="num">{person.templateCount}</td>
      <td>
        <time dateTime={person.createdAt}>{formatTime(person.createdAt)}</time>
      </td>
      <td className="row-actions">
        {confirming ? (
          <span
            className="confirm"
            role="group"
            aria-label={`Confirm removing ${person.name}`}
            onKeyDown={(e) => {
              if (e.key === 'Escape') askRemove(null);
            }}
          >
            <span>Remove {person.name} and their face templates?</span>
            <button
              type="button"
              className="btn btn-small btn-danger"
              disabled={removing}
              onClick={() => void remove(person.id)}
            >
              {removing ? 'Removing…' : 'Yes, remove'}
            </button>
            <button type="button" className="btn btn-small" disabled={removing} onClick={() => askRemove(null)} autoFocus>
              Cancel
            </button>
          </span>
        ) : (
          <button ref={removeButton} type="button" className="btn btn-small" aria-label={`Remove ${person.name}`} onClick={() => askRemove(person.id)}>
            Remove
          </button>
        )}
        {removeError ? <ErrorNote>{removeError}</ErrorNote> : null}
      </td>
    </tr>
  );
}

export function PeopleView() {
  const people = usePeople((s) => s.people);
  const search = usePeople((s) => s.search);
  const setSearch = usePeople((s) => s.setSearch);
  const loaded = usePeople((s) => s.loaded);
  const loading = usePeople((s) => s.loading);
  const error = usePeople((s) => s.error);
  const searchId = useId();

  return (
    <div className="view view-split">
      <div className="view-main">
        <div className="view-head">
          <h2>People</h2>
          <form className="search" role="search" onSubmit={(e) => e.preventDefault()}>
            <label htmlFor={searchId}>Search people</label>
            <input
              id={searchId}
              type="search"
              value={search}
              placeholder="Name…"
              autoComplete="off"
              onChange={(e) => setSearch(e.target.value)}
            />
          </form>
        </div>
        {error ? <ErrorNote>People could not be loaded. {error}</ErrorNote> : null}
        {!loaded && !error ? <EmptyState>Loading people…</EmptyState> : null}
        {loaded && people.length === 0 && !loading ? (
          <EmptyState>{search.trim() ? `Nobody matches “${search.trim()}”.` : 'Nobody is enrolled yet. Use the form to enroll a person.'}</EmptyState>
        ) : null}
        {people.length > 0 ? (
          <div className="table-wrap">
            <table className="table" data-testid="people-table">
              <caption className="sr-only">Enrolled people</caption>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Category</th>
                  <th scope="col" className="num">Templates</th>
                  <th scope="col">Enrolled</th>
                  <th scope="col">
                    <span className="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {people.map((person) => (
                  <PersonRow key={person.id} person={person} />
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
      </div>
      <aside className="view-side" aria-label="Enrollment">
        <EnrollForm />
      </aside>
    </div>
  );
}
