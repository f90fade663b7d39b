'use client';
import { useState } from 'react';
import type { AuditFilter, AuditOutcome } from '@berth/contracts';
import { Button } from '@/components/ui/Button';
import { Field } from '@/components/ui/Field';
import { DateRangeFilter, FilterBar, TextFilter, instant } from '@/components/ui/FilterBar';

interface Draft {
  actor: string;
  action: string;
  targetType: string;
  targetId: string;
  outcome: '' | AuditOutcome;
  from: string;
  to: string;
  q: string;
}

const EMPTY: Draft = {
  actor: '',
  action: '',
  targetType: '',
  targetId: '',
  outcome: '',
  from: '',
  to: '',
  q: '',
};

function toFilter(d: Draft): AuditFilter {
  const text = (v: string) => v.trim() || undefined;
  return {
    actor: text(d.actor),
    action: text(d.action),
    targetType: text(d.targetType),
    targetId: text(d.targetId),
    outcome: d.outcome || undefined,
    from: instant(d.from),
    to: instant(d.to),
    q: text(d.q),
  };
}

/** The search: applied on submit, so typing does not fire a query per keystroke. */
export function AuditFilters({ onApply }: { onApply: (filter: AuditFilter) => void }) {
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const set = (k: keyof Draft) => (e: { target: { value: string } }) =>
    setDraft((d) => ({ ...d, [k]: e.target.value }));
  const text = (k: keyof Draft, label: string, placeholder?: string) => (
    <TextFilter label={label} value={draft[k]} placeholder={placeholder} onChange={set(k)} />
  );
  return (
    <FilterBar
      label="Search the audit log"
      onSubmit={() => onApply(toFilter(draft))}
      className="lg:grid-cols-8"
    >
      {text('actor', 'Who', 'alice')}
      {text('action', 'Action', 'instance.')}
      {text('targetType', 'Object type', 'instance')}
      {text('targetId', 'Object id')}
      <Field label="Outcome">
        {(a) => (
          <select {...a} className="input py-1" value={draft.outcome} onChange={set('outcome')}>
            <option value="">Any</option>
            <option value="success">Success</option>
            <option value="failure">Failure</option>
            <option value="denied">Denied</option>
          </select>
        )}
      </Field>
      <DateRangeFilter from={draft.from} to={draft.to} onFrom={set('from')} onTo={set('to')} />
      {text('q', 'Text', 'in action, object, detail')}
      <div className="col-span-full flex gap-2">
        <Button type="submit" variant="primary" size="sm">
          Search
        </Button>
        <Button
          size="sm"
          onClick={() => {
            setDraft(EMPTY);
            onApply({});
          }}
        >
          Clear
        </Button>
      </div>
    </FilterBar>
  );
}
