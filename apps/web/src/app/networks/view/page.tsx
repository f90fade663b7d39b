'use client';
import Link from 'next/link';
import { useSearchParams } from 'next/navigation';
import { Suspense } from 'react';
import type { NetworkMember } from '@berth/contracts';
import { useMe } from '@/queries/useAuth';
import { useNetwork } from '@/queries/useNetworks';
import { needs } from '@/lib/can';
import { DataTable, type Column } from '@/components/ui/DataTable';
import { ErrorState, LoadingState, PageHeader } from '@/components/ui/States';
import { NetworkForm } from '@/components/networks/NetworkForm';
import { NetworkFirewallSection } from '@/components/firewall/NetworkFirewallSection';

const columns: Column<NetworkMember>[] = [
  {
    id: 'name',
    header: 'Instance',
    cell: (m) => (
      <Link className="link" href={`/instances/view/?id=${m.id}`}>
        {m.name}
      </Link>
    ),
  },
  { id: 'kind', header: 'Kind', cell: (m) => (m.kind === 'vm' ? 'VM' : 'container') },
  {
    id: 'ipv4',
    header: 'Address',
    cell: (m) => m.ipv4 ?? 'by DHCP',
    cellClassName: 'font-mono text-xs',
  },
  {
    id: 'ipv6',
    header: 'IPv6',
    cell: (m) => m.ipv6 ?? (m.kind === 'vm' ? 'SLAAC' : '—'),
    cellClassName: 'font-mono text-xs',
  },
];

function NetworkView() {
  const name = useSearchParams().get('name') ?? '';
  const network = useNetwork(name);
  const deny = needs(useMe().data, 'host.manage');
  if (network.isPending) return <LoadingState label="Loading the network…" />;
  if (network.isError)
    return <ErrorState error={network.error} onRetry={() => void network.refetch()} />;
  const n = network.data;
  return (
    <>
      <PageHeader
        title={`Network ${n.name}`}
        description={`${n.bridge} · ${n.ipv4}${n.ipv6 ? ` · ${n.ipv6}` : ''} · NAT ${n.nat ? 'on' : 'off'} · DHCP ${
          n.dhcp.enabled ? `${n.dhcp.first} – ${n.dhcp.last}` : 'off'
        } · MTU ${n.mtu}${n.dnsDomain ? ` · DNS ${n.dnsDomain}` : ''}${
          n.vxlan
            ? ` · VXLAN ${n.vxlan.id} to ${n.vxlan.remotes.join(', ')}${
                n.vxlan.local ? ` from ${n.vxlan.local}` : ''
              }${n.vxlan.up ? '' : ` (${n.vxlan.device} down)`}`
            : ''
        }${n.up ? '' : ' · bridge down'}`}
      />
      <div className="max-w-6xl space-y-6">
        <section aria-labelledby="members" className="space-y-2">
          <h2 id="members" className="font-semibold">
            Instances on it
          </h2>
          <DataTable
            query={{ ...network, data: n.instances }}
            columns={columns}
            rowKey={(m) => m.id}
            caption={`Instances on ${n.name}`}
            loadingLabel="Loading…"
            empty="No instance is on this network"
          />
        </section>
        <NetworkFirewallSection network={n.name} />
        <NetworkForm key={JSON.stringify(n)} network={n} disabledReason={deny} />
        <p>
          <Link className="link" href="/networks/">
            All networks
          </Link>
        </p>
      </div>
    </>
  );
}

export default function NetworkPage() {
  return (
    <Suspense fallback={<LoadingState />}>
      <NetworkView />
    </Suspense>
  );
}
