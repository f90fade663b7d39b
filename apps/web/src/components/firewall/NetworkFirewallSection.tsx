'use client';
import Link from 'next/link';
import { useEffect, useState } from 'react';
import type { NetworkFirewall } from '@berth/contracts';
import { useMe } from '@/queries/useAuth';
import { useNetworkFirewall, useSaveNetworkFirewall } from '@/queries/useFirewallSets';
import { needs } from '@/lib/can';
import { errorText } from '@/lib/errorText';
import { toast } from '@/lib/toast';
import { Button } from '@/components/ui/Button';
import { Checkbox } from '@/components/ui/Field';
import { ErrorState, LoadingState } from '@/components/ui/States';
import { newRow, type RuleRow, RulesEditor, rulesProblem, toRows, toRules } from './RulesEditor';

type Draft = { enabled: boolean; rules: RuleRow[] };
const toDraft = (fw: NetworkFirewall): Draft => ({ enabled: fw.enabled, rules: toRows(fw.rules) });

/**
 * A network's firewall: rules in every instance's table on the network, checked before the
 * instance's own (Proxmox's cluster and host levels before a VM's). No policy or spoofing
 * switch here: those stay with each instance. Counters are summed over the instances.
 */
export function NetworkFirewallSection({ network }: { network: string }) {
  const q = useNetworkFirewall(network);
  const save = useSaveNetworkFirewall(network);
  const cannot = needs(useMe().data, 'host.manage');
  const [draft, setDraft] = useState<Draft | null>(null);
  const loaded = q.data;
  useEffect(() => {
    if (loaded && draft === null) setDraft(toDraft(loaded));
  }, [loaded, draft]);

  const body = () => {
    if (q.isPending) return <LoadingState label="Loading the network's firewall…" />;
    if (q.isError || !q.data)
      return <ErrorState error={q.error} onRetry={() => void q.refetch()} />;
    if (!draft) return null;
    const fw = q.data;
    const apply = () =>
      save.mutate(
        { enabled: draft.enabled, rules: toRules(draft.rules) },
        {
          onSuccess: (saved) => {
            setDraft(toDraft(saved));
            toast({
              tone: 'success',
              title: `Firewall of ${network} applied`,
              body: `${saved.instances} instance(s) got it`,
            });
          },
          onError: (e) =>
            toast({ tone: 'error', title: 'Firewall not applied', body: errorText(e) }),
        },
      );
    return (
      <>
        <Checkbox
          label="Rules on"
          checked={draft.enabled}
          onChange={(enabled) => setDraft({ ...draft, enabled })}
        />
        <p className="text-sm text-muted">
          These rules are checked in the firewall of each instance on this network ({fw.instances}{' '}
          now) <strong>before</strong> the instance&apos;s own rules, in order; the first that
          matches decides, so an instance&apos;s rules see only what none of these matched. The
          default policy and spoofing protection are each instance&apos;s. Sources and destinations
          take an IPv4 or IPv6 CIDR or an{' '}
          <Link className="link" href="/firewall-sets/">
            address set
          </Link>{' '}
          as @name. Counters are summed over the instances.
        </p>
        <RulesEditor
          rows={draft.rules}
          onChange={(rules) => setDraft({ ...draft, rules })}
          counters={fw.counters}
          cannot={cannot}
          caption={`Firewall rules of network ${network}`}
          empty="No rules: each instance's own firewall decides."
        />
        <div className="flex gap-2">
          <Button
            disabledReason={cannot}
            onClick={() => setDraft({ ...draft, rules: [...draft.rules, newRow()] })}
          >
            Add rule
          </Button>
          <Button
            variant="primary"
            disabledReason={cannot ?? rulesProblem(draft.rules)}
            busy={save.isPending}
            onClick={apply}
          >
            Save firewall
          </Button>
          <Button disabledReason={cannot} onClick={() => setDraft(toDraft(fw))}>
            Undo changes
          </Button>
        </div>
      </>
    );
  };

  return (
    <section aria-labelledby="network-firewall" className="card space-y-3 p-4">
      <h2 id="network-firewall" className="font-semibold">
        Firewall
      </h2>
      {body()}
    </section>
  );
}
