'use client';
import { useState, type FormEvent } from 'react';
import {
  AlertMetric,
  type AlertComparison,
  type AlertRule,
  type AlertRuleSpec,
  type AlertScope,
} from '@berth/contracts';
import { Button } from '@/components/ui/Button';
import { errorText } from '@/lib/errorText';
import { METRIC_LABELS } from './format';

const SCOPE_HINT: Record<AlertScope, string> = {
  all: '',
  instance: 'instance id',
  tag: 'tag',
  host: 'host id',
};

/** A new rule, or a change to one (the whole rule is sent: PUT). */
export function RuleForm({
  initial,
  onSave,
  onCancel,
  busy,
  error,
}: {
  initial?: AlertRule;
  onSave: (spec: AlertRuleSpec) => void;
  onCancel: () => void;
  busy: boolean;
  error: unknown;
}) {
  const [name, setName] = useState(initial?.name ?? '');
  const [metric, setMetric] = useState<AlertMetric>(initial?.metric ?? 'cpuPct');
  const [comparison, setComparison] = useState<AlertComparison>(initial?.comparison ?? 'above');
  const [threshold, setThreshold] = useState(String(initial?.threshold ?? 90));
  const [forSeconds, setForSeconds] = useState(String(initial?.forSeconds ?? 300));
  const [scope, setScope] = useState<AlertScope>(initial?.scope ?? 'all');
  const [scopeValue, setScopeValue] = useState(initial?.scopeValue ?? '');
  const [enabled, setEnabled] = useState(initial?.enabled ?? true);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onSave({
      name,
      metric,
      comparison,
      threshold: Number(threshold),
      forSeconds: Number(forSeconds),
      scope,
      scopeValue: scope === 'all' ? '' : scopeValue,
      enabled,
    });
  };
  return (
    <form
      onSubmit={submit}
      className="card grid gap-3 p-4 text-sm md:grid-cols-4"
      aria-label="Alert rule"
    >
      <label className="flex flex-col gap-1 md:col-span-2">
        Name
        <input className="input" value={name} onChange={(e) => setName(e.target.value)} required />
      </label>
      <label className="flex flex-col gap-1 md:col-span-2">
        Metric
        <select
          className="input"
          value={metric}
          onChange={(e) => setMetric(e.target.value as AlertMetric)}
        >
          {AlertMetric.options.map((m) => (
            <option key={m} value={m}>
              {METRIC_LABELS[m]}
            </option>
          ))}
        </select>
      </label>
      <label className="flex flex-col gap-1">
        When it is
        <select
          className="input"
          value={comparison}
          onChange={(e) => setComparison(e.target.value as AlertComparison)}
        >
          <option value="above">above</option>
          <option value="below">below</option>
        </select>
      </label>
      <label className="flex flex-col gap-1">
        Threshold
        <input
          className="input"
          inputMode="decimal"
          value={threshold}
          onChange={(e) => setThreshold(e.target.value)}
        />
      </label>
      <label className="flex flex-col gap-1">
        For (seconds)
        <input
          className="input"
          inputMode="numeric"
          value={forSeconds}
          onChange={(e) => setForSeconds(e.target.value)}
        />
      </label>
      <label className="flex items-center gap-2 self-end pb-2">
        <input type="checkbox" checked={enabled} onChange={(e) => setEnabled(e.target.checked)} />
        Enabled
      </label>
      <label className="flex flex-col gap-1">
        On
        <select
          className="input"
          value={scope}
          onChange={(e) => setScope(e.target.value as AlertScope)}
        >
          <option value="all">every instance</option>
          <option value="instance">one instance</option>
          <option value="tag">instances with a tag</option>
          <option value="host">a host and its instances</option>
        </select>
      </label>
      {scope !== 'all' && (
        <label className="flex flex-col gap-1 md:col-span-2">
          {SCOPE_HINT[scope]}
          <input
            className="input"
            value={scopeValue}
            onChange={(e) => setScopeValue(e.target.value)}
          />
        </label>
      )}
      {error ? <p className="text-red-700 md:col-span-4">{errorText(error)}</p> : null}
      <div className="flex gap-2 md:col-span-4">
        <Button type="submit" variant="primary" busy={busy}>
          {initial ? 'Save rule' : 'Add rule'}
        </Button>
        <Button variant="ghost" onClick={onCancel}>
          Cancel
        </Button>
      </div>
    </form>
  );
}
