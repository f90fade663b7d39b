'use client';
import { useState } from 'react';
import type { Instance } from '@berth/contracts';
import type { TaskFilter } from '@/api/tasks';
import { Button } from '@/components/ui/Button';
import { Field } from '@/components/ui/Field';
import { DateRangeFilter, FilterBar, TextFilter, instant } from '@/components/ui/FilterBar';
import { taskTitle } from '@/lib/format';

/** The kinds of task the API starts; "instance." matches every instance action. */
const KINDS = [
  'instance.create',
  'instance.start',
  'instance.stop',
  'instance.restart',
  'instance.reset',
  'instance.suspend',
  'instance.resume',
  'instance.pause',
  'instance.unpause',
  'instance.delete',
  'instance.unprivilege',
  'template.build',
];

interface Draft {
  user: string;
  kind: string;
  instanceId: string;
  outcome: '' | NonNullable<TaskFilter['outcome']>;
  from: string;
  to: string;
  q: string;
}

const EMPTY: Draft = { user: '', kind: '', instanceId: '', outcome: '', from: '', to: '', q: '' };

function toFilter(d: Draft): TaskFilter {
  const text = (v: string) => v.trim() || undefined;
  return {
    user: text(d.user),
    kind: d.kind || undefined,
    instanceId: d.instanceId || undefined,
    outcome: d.outcome || undefined,
    from: instant(d.from),
    to: instant(d.to),
    q: text(d.q),
  };
}

/** The tasks' search, run by the API: applied on submit, so typing does not fire a query per key. */
export function TaskFilters({
  instances,
  me,
  onApply,
}: {
  instances: Instance[];
  /** The signed-in user's name, for "Mine". */
  me: string | undefined;
  onApply: (filter: TaskFilter) => void;
}) {
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const set = (k: keyof Draft) => (e: { target: { value: string } }) =>
    setDraft((d) => ({ ...d, [k]: e.target.value }));
  const apply = (d: Draft) => {
    setDraft(d);
    onApply(toFilter(d));
  };
  return (
    <FilterBar
      label="Search the tasks"
      onSubmit={() => onApply(toFilter(draft))}
      className="lg:grid-cols-7"
    >
      <TextFilter
        label="Started by"
        value={draft.user}
        placeholder="a user name"
        onChange={set('user')}
      />
      <Field label="Kind">
        {(a) => (
          <select {...a} className="input py-1" value={draft.kind} onChange={set('kind')}>
            <option value="">Any</option>
            <option value="instance.">Any instance action</option>
            {KINDS.map((k) => (
              <option key={k} value={k}>
                {taskTitle(k)}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field label="Instance">
        {(a) => (
          <select
            {...a}
            className="input py-1"
            value={draft.instanceId}
            onChange={set('instanceId')}
          >
            <option value="">Any</option>
            {instances.map((i) => (
              <option key={i.id} value={i.id}>
                {i.name}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field label="Outcome">
        {(a) => (
          <select {...a} className="input py-1" value={draft.outcome} onChange={set('outcome')}>
            <option value="">Any</option>
            <option value="active">Running</option>
            <option value="succeeded">Succeeded</option>
            <option value="failed">Failed</option>
          </select>
        )}
      </Field>
      <DateRangeFilter from={draft.from} to={draft.to} onFrom={set('from')} onTo={set('to')} />
      <TextFilter
        label="Text"
        value={draft.q}
        placeholder="in kind, step, error"
        onChange={set('q')}
      />
      <div className="col-span-full flex flex-wrap gap-2">
        <Button type="submit" variant="primary" size="sm">
          Search
        </Button>
        {me && (
          <Button
            size="sm"
            aria-pressed={draft.user === me}
            onClick={() => apply({ ...draft, user: me })}
          >
            Mine
          </Button>
        )}
        <Button size="sm" onClick={() => apply({ ...draft, outcome: 'failed' })}>
          Failed only
        </Button>
        <Button size="sm" onClick={() => apply(EMPTY)}>
          Clear
        </Button>
      </div>
    </FilterBar>
  );
}
