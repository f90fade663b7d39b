'use client';
import type { ReactNode } from 'react';
import { ArrowDown, ArrowUp, Trash2 } from 'lucide-react';
import { FirewallRule } from '@berth/contracts';
import { issuesByField } from '@/lib/formErrors';
import { useMe } from '@/queries/useAuth';
import { useFirewallSets } from '@/queries/useFirewallSets';
import { can } from '@/lib/can';
import { Button } from '@/components/ui/Button';
import { TableHead } from '@/components/ui/TableHead';

/** A rule as the form holds it: ports as typed, sources and destinations possibly blank. */
export interface RuleRow {
  key: number;
  direction: 'in' | 'out';
  action: FirewallRule['action'];
  protocol: FirewallRule['protocol'];
  ports: string;
  source: string;
  destination: string;
}

let nextKey = 0;

export const newRow = (): RuleRow => ({
  key: nextKey++,
  direction: 'in',
  action: 'drop',
  protocol: 'any',
  ports: '',
  source: '',
  destination: '',
});

export const toRows = (rules: readonly FirewallRule[]): RuleRow[] =>
  rules.map((r) => ({
    key: nextKey++,
    direction: r.direction,
    action: r.action,
    protocol: r.protocol,
    ports: r.ports.join(', '),
    source: r.source ?? '',
    destination: r.destination ?? '',
  }));

export const toRules = (rows: readonly RuleRow[]) =>
  rows.map((r) => ({
    direction: r.direction,
    action: r.action,
    protocol: r.protocol,
    ports: r.ports.split(/[\s,]+/).filter(Boolean),
    ...(r.source ? { source: r.source } : {}),
    ...(r.destination ? { destination: r.destination } : {}),
  }));

/** Each row's mistakes by field (ports, source, destination), checked as the API checks them. */
export const rowErrors = (rows: readonly RuleRow[]): Record<string, string>[] =>
  toRules(rows).map((rule) => {
    const checked = FirewallRule.safeParse(rule);
    return checked.success ? {} : issuesByField(checked.error.issues);
  });

/** Why the rules cannot be saved as they are, or null. */
export const rulesProblem = (rows: readonly RuleRow[]): string | null =>
  rowErrors(rows).some((e) => Object.keys(e).length > 0)
    ? 'a rule has a mistake: see beside its field'
    : null;

const SETS_LIST = 'firewall-set-names';

/**
 * An ordered list of firewall rules as an editable table, each with its counters: an
 * instance's own rules and a network's share it. Sources and destinations take an IPv4 or IPv6
 * CIDR or an address set as `@name`, which the field offers from the sets there are. A row's
 * mistakes show beside their field as they are typed (the contract's own check).
 */
export function RulesEditor({
  rows,
  onChange,
  counters,
  cannot,
  caption,
  empty,
}: {
  rows: RuleRow[];
  onChange: (rows: RuleRow[]) => void;
  counters: readonly { packets: number; bytes: number }[];
  /** Why the rules cannot be changed, or null. */
  cannot: string | null;
  caption: string;
  /** Said when there are no rules. */
  empty: ReactNode;
}) {
  const sets = useFirewallSets(can(useMe().data, 'host.view'));
  const errors = rowErrors(rows);
  const setRule = (i: number, patch: Partial<RuleRow>) =>
    onChange(rows.map((r, n) => (n === i ? { ...r, ...patch } : r)));
  const move = (i: number, by: number) => {
    const next = [...rows];
    const [r] = next.splice(i, 1);
    next.splice(i + by, 0, r!);
    onChange(next);
  };
  const select = <T extends string>(
    label: string,
    value: T,
    options: readonly T[],
    onSelect: (v: T) => void,
  ) => (
    <select
      aria-label={label}
      className="input w-auto"
      value={value}
      disabled={!!cannot}
      onChange={(e) => onSelect(e.target.value as T)}
    >
      {options.map((o) => (
        <option key={o}>{o}</option>
      ))}
    </select>
  );
  const text = (
    label: string,
    value: string,
    onText: (v: string) => void,
    ph: string,
    error: string | undefined,
    list?: string,
  ) => {
    const errId = `${label.replace(/\s+/g, '-')}-error`;
    return (
      <>
        <input
          aria-label={label}
          className={`input ${list ? 'w-44' : 'w-28'}`}
          value={value}
          placeholder={ph}
          list={list}
          disabled={!!cannot}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? errId : undefined}
          onChange={(e) => onText(e.target.value)}
        />
        {error && (
          <p id={errId} className="field-error max-w-44">
            {error}
          </p>
        )}
      </>
    );
  };

  return (
    <>
      <datalist id={SETS_LIST}>
        {(sets.data ?? []).map((s) => (
          <option key={s.name} value={`@${s.name}`} />
        ))}
      </datalist>
      <div className="overflow-x-auto">
        <table className="table-base">
          <caption className="sr-only">{caption}</caption>
          <TableHead
            columns={[
              { label: '#' },
              { label: 'Direction' },
              { label: 'Action' },
              { label: 'Protocol' },
              { label: 'Ports' },
              { label: 'Source' },
              { label: 'Destination' },
              { label: 'Matched' },
              { label: 'Order and delete' },
            ]}
          />
          <tbody>
            {rows.map((r, i) => (
              <tr key={r.key}>
                <td>{i + 1}</td>
                <td>
                  {select(
                    `Rule ${i + 1} direction`,
                    r.direction,
                    ['in', 'out'] as const,
                    (direction) => setRule(i, { direction }),
                  )}
                </td>
                <td>
                  {select(
                    `Rule ${i + 1} action`,
                    r.action,
                    ['accept', 'drop', 'reject'] as const,
                    (action) => setRule(i, { action }),
                  )}
                </td>
                <td>
                  {select(
                    `Rule ${i + 1} protocol`,
                    r.protocol,
                    ['any', 'tcp', 'udp', 'icmp'] as const,
                    (protocol) => setRule(i, { protocol }),
                  )}
                </td>
                <td>
                  {text(
                    `Rule ${i + 1} ports`,
                    r.ports,
                    (ports) => setRule(i, { ports }),
                    'all',
                    errors[i]?.ports,
                  )}
                </td>
                <td>
                  {text(
                    `Rule ${i + 1} source`,
                    r.source,
                    (source) => setRule(i, { source }),
                    'any',
                    errors[i]?.source,
                    SETS_LIST,
                  )}
                </td>
                <td>
                  {text(
                    `Rule ${i + 1} destination`,
                    r.destination,
                    (destination) => setRule(i, { destination }),
                    'any',
                    errors[i]?.destination,
                    SETS_LIST,
                  )}
                </td>
                <td className="whitespace-nowrap tabular-nums">
                  {counters[i] ? `${counters[i].packets} pkts · ${counters[i].bytes} B` : '–'}
                </td>
                <td className="whitespace-nowrap">
                  <Button
                    size="sm"
                    aria-label={`Move rule ${i + 1} up`}
                    disabledReason={cannot ?? (i === 0 ? 'first already' : null)}
                    onClick={() => move(i, -1)}
                  >
                    <ArrowUp size={14} />
                  </Button>
                  <Button
                    size="sm"
                    aria-label={`Move rule ${i + 1} down`}
                    disabledReason={cannot ?? (i === rows.length - 1 ? 'last already' : null)}
                    onClick={() => move(i, 1)}
                  >
                    <ArrowDown size={14} />
                  </Button>
                  <Button
                    size="sm"
                    aria-label={`Delete rule ${i + 1}`}
                    disabledReason={cannot}
                    onClick={() => onChange(rows.filter((_, n) => n !== i))}
                  >
                    <Trash2 size={14} />
                  </Button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {rows.length === 0 && <p className="text-sm text-muted">{empty}</p>}
    </>
  );
}
