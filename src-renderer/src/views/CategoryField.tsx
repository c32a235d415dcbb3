import { useId } from 'react';
import { personCategories, type PersonCategory } from '../../../src-preload/contract';
import { categoryWords } from '../lib/people-words';

/** The person-category select (enrollment, edit, filter); `allLabel` adds an "any category" choice. */
export function CategoryField<V extends PersonCategory | ''>({
  value,
  onChange,
  disabled,
  allLabel,
}: {
  value: V;
  onChange: (value: V) => void;
  disabled?: boolean;
  allLabel?: string;
}) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>Category</label>
      <select id={id} value={value} disabled={disabled} onChange={(e) => onChange(e.target.value as V)}>
        {allLabel ? <option value="">{allLabel}</option> : null}
        {personCategories.map((c) => (
          <option key={c} value={c}>
            {categoryWords[c]}
          </option>
        ))}
      </select>
    </div>
  );
}
