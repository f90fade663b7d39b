'use client';
import { useState, type FormEvent } from 'react';
import { CreateNetwork, UpdateNetwork, VXLAN_OVERHEAD, type Network } from '@berth/contracts';
import { issuesByField, saveErrors } from '@/lib/formErrors';
import { toast } from '@/lib/toast';
import { useCreateNetwork, useUpdateNetwork } from '@/queries/useNetworks';
import { Button } from '@/components/ui/Button';
import { Checkbox } from '@/components/ui/Field';
import { FormError } from '@/components/ui/FormError';
import { TextField } from '@/components/ui/TextField';

const opt = (s: string) => (s.trim() === '' ? undefined : s.trim());
const num = (s: string) => (s.trim() === '' ? undefined : Number(s));

/** The overlay's paths (`vxlan.remotes.2`) onto its own fields; the rest as they are. */
const VXLAN_FIELDS: Record<string, string> = {
  id: 'vxlanId',
  remotes: 'vxlanRemotes',
  local: 'vxlanLocal',
  port: 'vxlanPort',
};
const fieldFor = (path: string) => {
  const [head, next = ''] = path.split('.');
  return head === 'vxlan' ? (VXLAN_FIELDS[next] ?? 'vxlanId') : path;
};
const byField = (issues: readonly { path: readonly PropertyKey[]; message: string }[]) =>
  issuesByField(issues.map((i) => ({ ...i, path: fieldFor(i.path.join('.')) })));

/** The overlay from its fields: none while the VNI is empty. */
const vxlanOf = (id: string, remotes: string, local: string, port: string) =>
  id.trim() === ''
    ? null
    : {
        id: Number(id),
        remotes: remotes
          .split(',')
          .map((r) => r.trim())
          .filter(Boolean),
        local: opt(local),
        port: num(port),
      };

/**
 * A new network, or the settings of one (`network` given): gateway/subnet, NAT, DHCP and its
 * range, MTU, the DNS domain its instances are named under, a VXLAN overlay to the same network
 * on other hosts. Checked against the contract before it is sent; the agent's refusals (a subnet
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
  const [ipv6, setIpv6] = useState(network?.ipv6 ?? '');
  const [nat, setNat] = useState(network?.nat ?? true);
  const [dhcp, setDhcp] = useState(network?.dhcp.enabled ?? true);
  const [first, setFirst] = useState(network?.dhcp.first ?? '');
  const [last, setLast] = useState(network?.dhcp.last ?? '');
  const [mtu, setMtu] = useState(String(network?.mtu ?? 1500));
  const [dnsDomain, setDnsDomain] = useState(network?.dnsDomain ?? '');
  const [vni, setVni] = useState(String(network?.vxlan?.id ?? ''));
  const [peers, setPeers] = useState(network?.vxlan?.remotes.join(', ') ?? '');
  const [source, setSource] = useState(network?.vxlan?.local ?? '');
  const [port, setPort] = useState(String(network?.vxlan?.port ?? ''));
  const [local, setLocal] = useState<Record<string, string>>({});
  const errors = { ...(saving.isError ? saveErrors(saving.error, fieldFor) : {}), ...local };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const dhcpBody = { enabled: dhcp, first: opt(first), last: opt(last) };
    const vxlan = vxlanOf(vni, peers, source, port);
    if (network) {
      const was =
        network.vxlan &&
        vxlanOf(
          String(network.vxlan.id),
          network.vxlan.remotes.join(','),
          network.vxlan.local ?? '',
          String(network.vxlan.port),
        );
      const body = {
        ...(ipv4 !== network.ipv4 && { ipv4 }),
        ...((opt(ipv6) ?? null) !== network.ipv6 && { ipv6: opt(ipv6) ?? null }),
        nat,
        dhcp: dhcpBody,
        mtu: num(mtu),
        dnsDomain: opt(dnsDomain) ?? null,
        // Sent only when changed: the agent checks an overlay against the host again.
        ...(JSON.stringify(vxlan) !== JSON.stringify(was) && { vxlan }),
      };
      const checked = UpdateNetwork.safeParse(body);
      if (!checked.success) return setLocal(byField(checked.error.issues));
      setLocal({});
      update.mutate(
        { name: network.name, body: checked.data },
        { onSuccess: () => toast({ tone: 'success', title: `Network ${network.name} saved` }) },
      );
      return;
    }
    const checked = CreateNetwork.safeParse({
      name,
      ipv4,
      ipv6: opt(ipv6) ?? null,
      nat,
      dhcp: dhcpBody,
      mtu: num(mtu),
      dnsDomain: opt(dnsDomain) ?? null,
      vxlan,
    });
    if (!checked.success) return setLocal(byField(checked.error.issues));
    setLocal({});
    create.mutate(checked.data, {
      onSuccess: (made) => {
        toast({ tone: 'success', title: `Network ${made.name} created on ${made.bridge}` });
        setName('');
        setIpv4('');
        setIpv6('');
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
        <TextField
          label="IPv6 gateway"
          hint="Empty: IPv4 only. A unique-local or global address with a /64 (SLAAC) to /120 prefix, like fd42:1:2::1/64"
          value={ipv6}
          onChange={setIpv6}
          error={errors.ipv6}
        />
        <TextField
          label="MTU"
          hint={
            vni.trim()
              ? `VXLAN takes ${VXLAN_OVERHEAD} bytes: at most the uplink's MTU − ${VXLAN_OVERHEAD} (1450 on 1500)`
              : undefined
          }
          value={mtu}
          onChange={setMtu}
          error={errors.mtu}
        />
        <TextField
          label="DNS domain"
          hint="Empty: no DNS. Set: web1.<domain> resolves to web1, answered on the gateway"
          value={dnsDomain}
          onChange={setDnsDomain}
          error={errors.dnsDomain}
        />
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
      <fieldset className="space-y-3 border-t border-line pt-3">
        <legend className="text-sm font-semibold">VXLAN overlay</legend>
        <p className="text-xs text-muted">
          The same network on other hosts: each of them needs a bridge with this VNI and this host
          among its peers.
        </p>
        <div className="grid gap-3 sm:grid-cols-2">
          <TextField
            label="VNI"
            hint="1 – 16777215; empty: no overlay"
            value={vni}
            onChange={setVni}
            error={errors.vxlanId}
          />
          <TextField
            label="Peers"
            hint="The other hosts' addresses, comma-separated (up to 16)"
            value={peers}
            onChange={setPeers}
            error={errors.vxlanRemotes}
          />
          <TextField
            label="Local address"
            hint="This host's address to send from; empty: the kernel's choice"
            value={source}
            onChange={setSource}
            error={errors.vxlanLocal}
          />
          <TextField
            label="UDP port"
            hint="Empty: 4789"
            value={port}
            onChange={setPort}
            error={errors.vxlanPort}
          />
        </div>
      </fieldset>
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
