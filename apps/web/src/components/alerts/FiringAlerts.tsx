'use client';
import Link from 'next/link';
import type { AlertHistoryPage } from '@berth/contracts';
import { describeRule, formatValue, subjectHref } from './format';

/** The dashboard's "needs attention" lines for alerts firing now (the newest ten). */
export function FiringAlerts({ page }: { page: AlertHistoryPage }) {
  return (
    <>
      {page.items.map((a) => {
        const href = subjectHref(a);
        return (
          <li key={a.id} className="px-3 py-2 text-sm" data-testid="firing-alert">
            <span className="font-medium text-red-700">Alert</span>{' '}
            {href ? (
              <Link className="link font-medium" href={href}>
                {a.subjectName}
              </Link>
            ) : (
              <strong>host {a.subjectName}</strong>
            )}
            : {a.ruleName} ({describeRule(a)}, was {formatValue(a.metric, a.value)})
          </li>
        );
      })}
      {page.total > page.items.length && (
        <li className="px-3 py-2 text-sm">
          <Link className="link" href="/alerts/">
            {page.total - page.items.length} more firing
          </Link>
        </li>
      )}
    </>
  );
}
