'use client';
import { useState, type FormEvent } from 'react';
import { CreateNetwork, UpdateNetwork, type Network } from '@berth/contracts';
import { issuesByField, saveErrors } from '@/lib/formErrors';
import { toast } from '@/lib/toast';
import { useCreateNetwork, useUpdateNetwork } from '@/queries/useNetworks';
import { Button } from '@/components/ui/Button';
import { Checkbox } from '@/components/ui/Field';
import { FormError } from '@/components/ui/FormError';
import { TextField } from '@/components/ui/TextField';

const opt = (s: string) => (s.trim() === '' ? undefined : s.trim());
const num = (s: string) => (s.trim() === '' ? undefined : Number(s));

/**
 * A new network, or the settings of one (`network` given): gateway/subnet, NAT, DHCP and its
 * range, MTU. Checked against the contract before it is sent; the agent's refusals (a subnet
 * in use, a DHCP range over instances' addresses) show beside the fields they name.
 */
export function NetworkForm({
  network,
  disabledReason,
}: {
  network?: Network;
  disabledReason: string | null;
}) {
  const create = useCreateNetwork();
  const update = useUpdateNetwork();
  const saving = network ? update : create;
  const [name, setName] = useState('');
  const [ipv4, setIpv4] = useState(network?.ipv4 ?? '');
  const [nat, setNat] = useState(network?.nat ?? true);
  const [dhcp, setDhcp] = useState(network?.dhcp.enabled ?? true);
  const [first, setFirst] = useState(network?.dhcp.first ?? '');
  const [last, setLast] = useState(network?.dhcp.last ?? '');
  const [mtu, setMtu] = useState(String(network?.mtu ?? 1500));
  const [local, setLocal] = useState<Record<string, string>>({});
  const errors = { ...(saving.isError ? saveErrors(saving.error) : {}), ...local };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const dhcpBody = { enabled: dhcp, first: opt(first), last: opt(last) };
    if (network) {
      const body = {
        ...(ipv4 !== network.ipv4 && { ipv4 }),
        nat,
        dhcp: dhcpBody,
        mtu: num(mtu),
      };
      const checked = UpdateNetwork.safeParse(body);
      if (!checked.success) return setLocal(issuesByField(checked.error.issues));
      setLocal({});
      update.mutate(
        { name: network.name, body: checked.data },
        { onSuccess: () => toast({ tone: 'success', title: `Network ${network.name} saved` }) },
      );
      return;
    }
    const checked = CreateNetwork.safeParse({ name, ipv4, nat, dhcp: dhcpBody, mtu: num(mtu) });
    if (!checked.success) return setLocal(issuesByField(checked.error.issues));
    setLocal({});
    create.mutate(checked.data, {
      onSuccess: (made) => {
        toast({ tone: 'success', title: `Network ${made.name} created on ${made.bridge}` });
        setName('');
        setIpv4('');
      },
    });
  };

  const title = network ? 'Settings' : 'New network';
  return (
    <form onSubmit={submit} className="card space-y-3 p-4" aria-label={title}>
      <h2 className="font-semibold">{title}</h2>
      <div className="grid gap-3 sm:grid-cols-2">
        {!network && <TextField label="Name" value={name} onChange={setName} error={errors.name} />}
        <TextField
          label="Gateway address"
          hint={
            network?.default
              ? 'Set by the agent (BERTH_AGENT_BRIDGE_CIDR)'
              : "The host's address with the prefix, like 10.0.5.1/24"
          }
          value={ipv4}
          onChange={setIpv4}
          error={errors.ipv4}
        />
        <TextField label="MTU" value={mtu} onChange={setMtu} error={errors.mtu} />
        <Checkbox
          label="NAT to the outside"
          hint="Instances reach beyond the host through its address"
          checked={nat}
          onChange={setNat}
        />
        <Checkbox
          label="DHCP"
          hint="Hands VMs addresses; containers get theirs from outside the range"
          checked={dhcp}
          onChange={setDhcp}
        />
        <TextField
          label="DHCP range start"
          hint="Empty: the top quarter of the subnet"
          value={first}
          onChange={setFirst}
          error={errors['dhcp.first']}
        />
        <TextField
          label="DHCP range end"
          value={last}
          onChange={setLast}
          error={errors['dhcp.last'] ?? errors.dhcp}
        />
      </div>
      <FormError message={errors['(root)']} />
      <Button
        type="submit"
        variant="primary"
        busy={saving.isPending}
        disabledReason={disabledReason}
      >
        {network ? 'Save' : 'Create network'}
      </Button>
    </form>
  );
}
