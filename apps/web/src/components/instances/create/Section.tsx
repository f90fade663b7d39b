import type { ReactNode } from 'react';

/** A group of the wizard's fields: a fieldset named for screen readers, a heading for the eye. */
export function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <fieldset className="card min-w-0 p-4 sm:p-5">
      <legend className="sr-only">{title}</legend>
      <h2 aria-hidden className="mb-4 text-base font-semibold">
        {title}
      </h2>
      <div className="grid gap-4 sm:grid-cols-2">{children}</div>
    </fieldset>
  );
}
