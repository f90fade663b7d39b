import type { ReactNode } from 'react';
import { EmptyState, ErrorState, LoadingState } from './States';

/** The part of a react-query result a list page shows. */
export interface ListQuery<T> {
  data: T[] | undefined;
  isPending: boolean;
  isError: boolean;
  error: unknown;
  refetch: () => unknown;
}

/**
 * A list's loading, error (with a retry) and empty states, then `children` with its rows.
 * `select` narrows the rows (a filter); the empty state is about the rows shown.
 */
export function QueryView<T>({
  query,
  select = (rows) => rows,
  loadingLabel,
  empty,
  children,
}: {
  query: ListQuery<T>;
  select?: (rows: T[]) => T[];
  loadingLabel: string;
  /** A title, or a whole EmptyState when it says more. */
  empty: ReactNode;
  children: (rows: T[]) => ReactNode;
}) {
  if (query.isPending) return <LoadingState label={loadingLabel} />;
  if (query.isError || !query.data)
    return <ErrorState error={query.error} onRetry={() => void query.refetch()} />;
  const rows = select(query.data);
  if (rows.length === 0) return typeof empty === 'string' ? <EmptyState title={empty} /> : empty;
  return children(rows);
}

export interface Column<T> {
  /** Unique among the columns. */
  id: string;
  header: ReactNode;
  cell: (row: T) => ReactNode;
  /** On header and cells alike: which screens show the column (`hidden md:table-cell`). */
  className?: string;
  /** On the cells only, after `className`. */
  cellClassName?: string | ((row: T) => string);
  /** A cell's tooltip, for text the column cuts short. */
  title?: (row: T) => string | undefined;
}

const join = (...classes: (string | undefined)[]) => classes.filter(Boolean).join(' ') || undefined;

/**
 * A table of a query's rows, defined by its columns, inside a scrollable region that
 * keyboard users can focus. The caption names the table for screen readers.
 */
export function DataTable<T>({
  query,
  columns,
  rowKey,
  caption,
  loadingLabel,
  empty,
}: {
  query: ListQuery<T>;
  columns: Column<T>[];
  rowKey: (row: T) => string;
  caption: string;
  loadingLabel: string;
  empty: ReactNode;
}) {
  return (
    <QueryView query={query} loadingLabel={loadingLabel} empty={empty}>
      {(rows) => (
        <div
          className="card overflow-x-auto"
          role="region"
          aria-label={`${caption} table`}
          tabIndex={0}
        >
          <table className="table-base">
            <caption className="sr-only">{caption}</caption>
            <thead>
              <tr>
                {columns.map((c) => (
                  <th key={c.id} scope="col" className={c.className}>
                    {c.header}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr key={rowKey(row)}>
                  {columns.map((c) => (
                    <td
                      key={c.id}
                      className={join(
                        c.className,
                        typeof c.cellClassName === 'function'
                          ? c.cellClassName(row)
                          : c.cellClassName,
                      )}
                      title={c.title?.(row)}
                    >
                      {c.cell(row)}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </QueryView>
  );
}
