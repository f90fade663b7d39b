/** A column heading, with the class that hides it on narrow screens when it is optional. */
export interface HeadColumn {
  label: string;
  className?: string;
}

/**
 * The header row of a hand-built table whose last column holds each row's buttons: that column is
 * named for screen readers only.
 */
export function TableHead({ columns }: { columns: HeadColumn[] }) {
  return (
    <thead>
      <tr>
        {columns.map((c) => (
          <th key={c.label} scope="col" className={c.className}>
            {c.label}
          </th>
        ))}
        <th scope="col">
          <span className="sr-only">Actions</span>
        </th>
      </tr>
    </thead>
  );
}
