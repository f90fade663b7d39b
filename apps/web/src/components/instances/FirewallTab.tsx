'use client';
import { useEffect, useState } from 'react';
import { ArrowDown, ArrowUp, Trash2 } from 'lucide-react';
import type { Firewall, FirewallRule, Instance } from '@berth/contracts';
import { useMe } from '@/queries/useAuth';
import { useFirewall, useSaveFirewall } from '@/queries/useFirewall';
import { needs } from '@/lib/can';
import { errorText } from '@/lib/errorText';
import { toast } from '@/lib/toast';
import { Button } from '@/components/ui/Button';
import { ConfirmDialog } from '@/components/ui/ConfirmDialog';
import { Checkbox } from '@/components/ui/Field';
import { ErrorState, LoadingState } from '@/components/ui/States';
import { TableHead } from '@/components/ui/TableHead';

/** A rule as the form holds it: ports as typed, CIDRs possibly blank. */
interface Row {
  key: number;
  direction: 'in' | 'out';
  action: 'accept' | 'drop';
  protocol: FirewallRule['protocol'];
  ports: string;
  source: string;
  destination: string;
}
type Draft = Pick<Firewall, 'enabled' | 'policy' | 'antiSpoofing'> & { rules: Row[] };

let nextKey = 0;
const toDraft = (fw: Firewall): Draft => ({
  enabled: fw.enabled,
  policy: fw.policy,
  antiSpoofing: fw.antiSpoofing,
  rules: fw.rules.map((r) => ({
    key: nextKey++,
    direction: r.direction,
    action: r.action === 'accept' ? 'accept' : 'drop',
    protocol: r.protocol,
    ports: r.ports.join(', '),
    source: r.source ?? '',
    destination: r.destination ?? '',
  })),
});
const toBody = (d: Draft) => ({
  enabled: d.enabled,
  policy: d.policy,
  antiSpoofing: d.antiSpoofing,
  rules: d.rules.map((r) => ({
    direction: r.direction,
    action: r.action,
    protocol: r.protocol,
    ports: r.ports.split(/[\s,]+/).filter(Boolean),
    ...(r.source ? { source: r.source } : {}),
    ...(r.destination ? { destination: r.destination } : {}),
  })),
});

/**
 * An instance's firewall: ordered rules (first match decides) with their counters, refreshed
 * while the tab is on screen, the default policies and the spoofing switch, saved all at once.
 * A VM's rules cover each of its adapters.
 */
export function FirewallTab({ instance }: { instance: Instance }) {
  const q = useFirewall(instance.id);
  const save = useSaveFirewall(instance.id);
  const cannot = needs(useMe().data, 'instance.configure', instance);
  const [draft, setDraft] = useState<Draft | null>(null);
  const [confirming, setConfirming] = useState(false);
  const loaded = q.data;
  useEffect(() => {
    if (loaded && draft === null) setDraft(toDraft(loaded));
  }, [loaded, draft]);

  if (q.isPending) return <LoadingState label="Loading the firewall…" />;
  if (q.isError || !q.data) return <ErrorState error={q.error} onRetry={() => void q.refetch()} />;
  if (!draft) return null;

  const set = (patch: Partial<Draft>) => setDraft({ ...draft, ...patch });
  const setRule = (i: number, patch: Partial<Row>) =>
    set({ rules: draft.rules.map((r, n) => (n === i ? { ...r, ...patch } : r)) });
  const move = (i: number, by: number) => {
    const rules = [...draft.rules];
    const [r] = rules.splice(i, 1);
    rules.splice(i + by, 0, r!);
    set({ rules });
  };
  const dropsAllInbound =
    draft.enabled &&
    draft.policy.in === 'drop' &&
    !draft.rules.some((r) => r.direction === 'in' && r.action === 'accept');
  const apply = () =>
    save.mutate(toBody(draft), {
      onSuccess: (fw) => {
        setConfirming(false);
        setDraft(toDraft(fw));
        toast({ tone: 'success', title: 'Firewall applied' });
      },
      onError: (e) => {
        setConfirming(false);
        toast({ tone: 'error', title: 'Firewall not applied', body: errorText(e) });
      },
    });
  const counters = q.data.counters;
  const select = <T extends string>(
    label: string,
    value: T,
    options: readonly T[],
    onChange: (v: T) => void,
  ) => (
    <select
      aria-label={label}
      className="input min-w-24"
      value={value}
      disabled={!!cannot}
      onChange={(e) => onChange(e.target.value as T)}
    >
      {options.map((o) => (
        <option key={o}>{o}</option>
      ))}
    </select>
  );
  const text = (label: string, value: string, onChange: (v: string) => void, ph: string) => (
    <input
      aria-label={label}
      className="input w-32"
      value={value}
      placeholder={ph}
      disabled={!!cannot}
      onChange={(e) => onChange(e.target.value)}
    />
  );

  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center gap-6">
        <Checkbox
          label="Rules on"
          checked={draft.enabled}
          onChange={(enabled) => set({ enabled })}
        />
        <Checkbox
          label="Spoofing protection"
          hint="The adapter may only send from its own MAC and IPv4 address (ARP too)."
          checked={draft.antiSpoofing}
          onChange={(antiSpoofing) => set({ antiSpoofing })}
        />
        <label className="flex items-center gap-2 whitespace-nowrap text-sm">
          Inbound default
          {select('Inbound default', draft.policy.in, ['accept', 'drop'] as const, (v) =>
            set({ policy: { ...draft.policy, in: v } }),
          )}
        </label>
        <label className="flex items-center gap-2 whitespace-nowrap text-sm">
          Outbound default
          {select('Outbound default', draft.policy.out, ['accept', 'drop'] as const, (v) =>
            set({ policy: { ...draft.policy, out: v } }),
          )}
        </label>
      </div>
      <p className="text-sm text-muted">
        Rules are checked in order; the first that matches decides. They are stateless: with inbound
        dropping by default, replies to the {instance.kind === 'vm' ? 'VM' : 'container'}&apos;s own
        connections need a rule.
        {instance.kind === 'vm' &&
          ' DHCP always passes, so the VM gets its address; the address check covers a static lease only.'}
      </p>
      <div className="overflow-x-auto">
        <table className="table-base">
          <caption className="sr-only">Firewall rules of {instance.name}</caption>
          <TableHead
            columns={[
              { label: '#' },
              { label: 'Direction' },
              { label: 'Action' },
              { label: 'Protocol' },
              { label: 'Ports' },
              { label: 'Source' },
              { label: 'Destination' },
              { label: 'Packets' },
              { label: 'Bytes' },
              { label: 'Order and delete' },
            ]}
          />
          <tbody>
            {draft.rules.map((r, i) => (
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
                  {select(`Rule ${i + 1} action`, r.action, ['accept', 'drop'] as const, (action) =>
                    setRule(i, { action }),
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
                  {text(`Rule ${i + 1} ports`, r.ports, (ports) => setRule(i, { ports }), 'all')}
                </td>
                <td>
                  {text(
                    `Rule ${i + 1} source`,
                    r.source,
                    (source) => setRule(i, { source }),
                    'any',
                  )}
                </td>
                <td>
                  {text(
                    `Rule ${i + 1} destination`,
                    r.destination,
                    (destination) => setRule(i, { destination }),
                    'any',
                  )}
                </td>
                <td className="tabular-nums">{counters[i]?.packets ?? '–'}</td>
                <td className="tabular-nums">{counters[i]?.bytes ?? '–'}</td>
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
                    disabledReason={
                      cannot ?? (i === draft.rules.length - 1 ? 'last already' : null)
                    }
                    onClick={() => move(i, 1)}
                  >
                    <ArrowDown size={14} />
                  </Button>
                  <Button
                    size="sm"
                    aria-label={`Delete rule ${i + 1}`}
                    disabledReason={cannot}
                    onClick={() => set({ rules: draft.rules.filter((_, n) => n !== i) })}
                  >
                    <Trash2 size={14} />
                  </Button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {draft.rules.length === 0 && (
        <p className="text-sm text-muted">No rules: the defaults decide.</p>
      )}
      <div className="flex gap-2">
        <Button
          disabledReason={cannot}
          onClick={() =>
            set({
              rules: [
                ...draft.rules,
                {
                  key: nextKey++,
                  direction: 'in',
                  action: 'drop',
                  protocol: 'any',
                  ports: '',
                  source: '',
                  destination: '',
                },
              ],
            })
          }
        >
          Add rule
        </Button>
        <Button
          variant="primary"
          disabledReason={cannot}
          busy={save.isPending && !confirming}
          onClick={() => (dropsAllInbound ? setConfirming(true) : apply())}
        >
          Save
        </Button>
        <Button disabledReason={cannot} onClick={() => setDraft(toDraft(q.data))}>
          Undo changes
        </Button>
      </div>
      {confirming && (
        <ConfirmDialog
          title="Drop all inbound traffic?"
          confirmLabel="Save"
          danger
          busy={save.isPending}
          onConfirm={apply}
          onCancel={() => setConfirming(false)}
        >
          Inbound traffic drops by default and no rule accepts any: nothing will reach{' '}
          {instance.name} over IPv4.
        </ConfirmDialog>
      )}
    </div>
  );
}
