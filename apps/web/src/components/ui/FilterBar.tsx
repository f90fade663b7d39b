import type { FormEvent, ReactNode } from 'react';
import { Field } from '@/components/ui/Field';

type OnText = (e: { target: { value: string } }) => void;

/** A datetime-local value is the browser's local time; the API wants an instant. */
export const instant = (local: string) => (local ? new Date(local).toISOString() : undefined);

/**
 * A search form over a list, applied on submit so typing does not fire a query per keystroke.
 * `className` carries the widest grid's column count, which differs per list.
 */
export function FilterBar({
  label,
  onSubmit,
  className,
  children,
}: {
  label: string;
  onSubmit: () => void;
  className: string;
  children: ReactNode;
}) {
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onSubmit();
  };
  return (
    <form
      role="search"
      aria-label={label}
      onSubmit={submit}
      className={`card mb-4 grid grid-cols-2 gap-3 p-3 sm:grid-cols-4 ${className}`}
    >
      {children}
    </form>
  );
}

export function TextFilter({
  label,
  value,
  placeholder,
  onChange,
}: {
  label: string;
  value: string;
  placeholder?: string;
  onChange: OnText;
}) {
  return (
    <Field label={label}>
      {(a) => (
        <input
          {...a}
          className="input py-1"
          value={value}
          placeholder={placeholder}
          onChange={onChange}
        />
      )}
    </Field>
  );
}

/** "From" and "Until" as local date-times; convert them with `instant` before querying. */
export function DateRangeFilter({
  from,
  to,
  onFrom,
  onTo,
}: {
  from: string;
  to: string;
  onFrom: OnText;
  onTo: OnText;
}) {
  return (
    <>
      <Field label="From">
        {(a) => (
          <input
            {...a}
            type="datetime-local"
            className="input py-1"
            value={from}
            onChange={onFrom}
          />
        )}
      </Field>
      <Field label="Until">
        {(a) => (
          <input {...a} type="datetime-local" className="input py-1" value={to} onChange={onTo} />
        )}
      </Field>
    </>
  );
}
