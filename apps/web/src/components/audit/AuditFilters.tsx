'use client';
import { useState, type FormEvent } from 'react';
import type { AuditFilter, AuditOutcome } from '@berth/contracts';
import { Button } from '@/components/ui/Button';
import { Field } from '@/components/ui/Field';

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

/** A datetime-local value is the browser's local time; the API wants an instant. */
const instant = (local: string) => (local ? new Date(local).toISOString() : undefined);

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
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onApply(toFilter(draft));
  };
  const text = (k: keyof Draft, label: string, placeholder?: string) => (
    <Field label={label}>
      {(a) => (
        <input
          {...a}
          className="input py-1"
          value={draft[k]}
          placeholder={placeholder}
          onChange={set(k)}
        />
      )}
    </Field>
  );
  return (
    <form
      role="search"
      aria-label="Search the audit log"
      onSubmit={submit}
      className="card mb-4 grid grid-cols-2 gap-3 p-3 sm:grid-cols-4 lg:grid-cols-8"
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
      <Field label="From">
        {(a) => (
          <input
            {...a}
            type="datetime-local"
            className="input py-1"
            value={draft.from}
            onChange={set('from')}
          />
        )}
      </Field>
      <Field label="Until">
        {(a) => (
          <input
            {...a}
            type="datetime-local"
            className="input py-1"
            value={draft.to}
            onChange={set('to')}
          />
        )}
      </Field>
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
    </form>
  );
}
