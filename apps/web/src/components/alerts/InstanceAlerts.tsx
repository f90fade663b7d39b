'use client';
import { useState } from 'react';
import { useInstanceAlerts } from '@/queries/useAlerts';
import { AlertHistory } from './AlertHistory';
import { describeRule, formatValue } from './format';

const PAGE = 25;

/** The instance's Alerts tab: its alert history, paged. */
export function InstanceAlerts({ id }: { id: string }) {
  const [offset, setOffset] = useState(0);
  const history = useInstanceAlerts(id, { limit: PAGE, offset, state: 'all' });
  return (
    <div className="card overflow-x-auto">
      <AlertHistory
        query={history}
        offset={offset}
        limit={PAGE}
        onOffset={setOffset}
        showSubject={false}
        empty="No alert has fired on this instance."
      />
    </div>
  );
}

/** Above the Summary's graphs: what is firing on this instance now, if anything. */
export function FiringBanner({ id }: { id: string }) {
  const firing = useInstanceAlerts(id, { limit: 5, offset: 0, state: 'firing' });
  const items = firing.data?.items ?? [];
  if (items.length === 0) return null;
  return (
    <div role="alert" className="card border-red-400 p-3 text-sm" data-testid="firing-banner">
      <p className="font-semibold text-red-700">
        {firing.data!.total} alert{firing.data!.total === 1 ? '' : 's'} firing
      </p>
      <ul className="mt-1 space-y-0.5">
        {items.map((a) => (
          <li key={a.id}>
            <span className="font-medium">{a.ruleName}</span>: {describeRule(a)} (was{' '}
            {formatValue(a.metric, a.value)} at {new Date(a.firedAt).toLocaleTimeString()})
          </li>
        ))}
      </ul>
    </div>
  );
}
