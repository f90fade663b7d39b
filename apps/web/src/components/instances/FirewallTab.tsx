'use client';
import Link from 'next/link';
import { useEffect, useState } from 'react';
import type { Firewall, Instance } from '@berth/contracts';
import { useMe } from '@/queries/useAuth';
import { useFirewall, useSaveFirewall } from '@/queries/useFirewall';
import { needs } from '@/lib/can';
import { errorText } from '@/lib/errorText';
import { toast } from '@/lib/toast';
import { Button } from '@/components/ui/Button';
import { ConfirmDialog } from '@/components/ui/ConfirmDialog';
import { Checkbox } from '@/components/ui/Field';
import { ErrorState, LoadingState } from '@/components/ui/States';
import {
  newRow,
  type RuleRow,
  RulesEditor,
  rulesProblem,
  toRows,
  toRules,
} from '@/components/firewall/RulesEditor';

type Draft = Pick<Firewall, 'enabled' | 'policy' | 'antiSpoofing'> & { rules: RuleRow[] };

const toDraft = (fw: Firewall): Draft => ({
  enabled: fw.enabled,
  policy: fw.policy,
  antiSpoofing: fw.antiSpoofing,
  rules: toRows(fw.rules),
});
const toBody = (d: Draft) => ({
  enabled: d.enabled,
  policy: d.policy,
  antiSpoofing: d.antiSpoofing,
  rules: toRules(d.rules),
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
  const networks = [...new Set(instance.nics.map((n) => n.network))];
  const loaded = q.data;
  useEffect(() => {
    if (loaded && draft === null) setDraft(toDraft(loaded));
  }, [loaded, draft]);

  if (q.isPending) return <LoadingState label="Loading the firewall…" />;
  if (q.isError || !q.data) return <ErrorState error={q.error} onRetry={() => void q.refetch()} />;
  if (!draft) return null;

  const set = (patch: Partial<Draft>) => setDraft({ ...draft, ...patch });
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
          ' DHCP always passes, so the VM gets its address; the address check covers a static lease only.'}{' '}
        Sources and destinations take an address set as @name.
      </p>
      {networks.length > 0 && (
        <p className="text-sm text-muted">
          The rules of {networks.length === 1 ? 'network' : 'networks'}{' '}
          {networks.map((n, i) => (
            <span key={n}>
              {i > 0 && ', '}
              <Link className="link" href={`/networks/view/?name=${encodeURIComponent(n)}`}>
                {n}
              </Link>
            </span>
          ))}{' '}
          are checked before these: a network rule that matches decides.
        </p>
      )}
      <RulesEditor
        rows={draft.rules}
        onChange={(rules) => set({ rules })}
        counters={q.data.counters}
        cannot={cannot}
        caption={`Firewall rules of ${instance.name}`}
        empty="No rules: the defaults decide."
      />
      <div className="flex gap-2">
        <Button disabledReason={cannot} onClick={() => set({ rules: [...draft.rules, newRow()] })}>
          Add rule
        </Button>
        <Button
          variant="primary"
          disabledReason={cannot ?? rulesProblem(draft.rules)}
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
