'use client';
import Link from 'next/link';
import type { AlertHistoryPage } from '@berth/contracts';
import type { UseQueryResult } from '@tanstack/react-query';
import { Button } from '@/components/ui/Button';
import { ErrorState, LoadingState } from '@/components/ui/States';
import { describeRule, formatValue, subjectHref } from './format';

const when = (iso: string) => new Date(iso).toLocaleString();

/** Previous / next over an offset-paged list. */
export function Pager({
  offset,
  limit,
  total,
  onOffset,
}: {
  offset: number;
  limit: number;
  total: number;
  onOffset: (o: number) => void;
}) {
  if (total <= limit) return null;
  return (
    <div className="flex items-center gap-2 p-2 text-sm text-muted">
      <Button
        size="sm"
        disabled={offset === 0}
        onClick={() => onOffset(Math.max(0, offset - limit))}
      >
        Previous
      </Button>
      <span>
        {offset + 1}–{Math.min(offset + limit, total)} of {total}
      </span>
      <Button size="sm" disabled={offset + limit >= total} onClick={() => onOffset(offset + limit)}>
        Next
      </Button>
    </div>
  );
}

/** Alerts newest first: what fired, on what, when, and whether it has resolved. */
export function AlertHistory({
  query,
  offset,
  limit,
  onOffset,
  showSubject = true,
  empty,
}: {
  query: UseQueryResult<AlertHistoryPage>;
  offset: number;
  limit: number;
  onOffset: (o: number) => void;
  showSubject?: boolean;
  empty: string;
}) {
  if (query.isPending) return <LoadingState label="Loading alerts…" />;
  if (query.isError) return <ErrorState error={query.error} onRetry={() => void query.refetch()} />;
  const { items, total } = query.data;
  if (total === 0) return <p className="p-3 text-sm text-muted">{empty}</p>;
  return (
    <>
      <table className="w-full text-sm" data-testid="alert-history">
        <thead className="text-left text-muted">
          <tr>
            <th className="p-2">State</th>
            {showSubject && <th className="p-2">On</th>}
            <th className="p-2">Rule</th>
            <th className="p-2">Value</th>
            <th className="p-2">Fired</th>
            <th className="p-2">Resolved</th>
          </tr>
        </thead>
        <tbody>
          {items.map((a) => {
            const href = subjectHref(a);
            return (
              <tr key={a.id} className="border-t border-line">
                <td className="p-2">
                  {a.resolvedAt ? (
                    <span className="text-muted">resolved</span>
                  ) : (
                    <span className="font-medium text-red-700">firing</span>
                  )}
                </td>
                {showSubject && (
                  <td className="p-2">
                    {href ? (
                      <Link className="link" href={href}>
                        {a.subjectName}
                      </Link>
                    ) : (
                      `host ${a.subjectName}`
                    )}
                  </td>
                )}
                <td className="p-2">
                  <span className="font-medium">{a.ruleName}</span>{' '}
                  <span className="text-muted">{describeRule(a)}</span>
                </td>
                <td className="p-2 tabular-nums">{formatValue(a.metric, a.value)}</td>
                <td className="p-2">{when(a.firedAt)}</td>
                <td className="p-2">{a.resolvedAt ? when(a.resolvedAt) : '—'}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <Pager offset={offset} limit={limit} total={total} onOffset={onOffset} />
    </>
  );
}
