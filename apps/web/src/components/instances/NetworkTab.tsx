'use client';
import Link from 'next/link';
import { useState } from 'react';
import type { Instance } from '@berth/contracts';
import { needs } from '@/lib/can';
import { saveErrors } from '@/lib/formErrors';
import { useMe } from '@/queries/useAuth';
import { useNics, useRemoveNic, useSetNicLink } from '@/queries/useNics';
import { useActiveTaskByInstance } from '@/queries/useTasks';
import { busyReason } from '@/lib/instanceActions';
import { ConfirmDialog } from '@/components/ui/ConfirmDialog';
import { AddNicDialog } from './AddNicDialog';
import { EditAdapterDialog, ResolverDialog } from './CtAdapterDialogs';
import { Button } from '@/components/ui/Button';
import { FormError } from '@/components/ui/FormError';
import { TableHead } from '@/components/ui/TableHead';
import { TrafficByClass } from '@/components/network-classes/TrafficByClass';

/**
 * An instance's adapters: network, MAC, address and where it comes from, the link (a cable in or
 * out), and for a VM NICs added and removed (hot-plugged when it runs).
 */
export function NetworkTab({ instance }: { instance: Instance }) {
  const me = useMe().data;
  const [adding, setAdding] = useState(false);
  const [removing, setRemoving] = useState<number | null>(null);
  const [editingNic, setEditingNic] = useState<number | null>(null);
  const [editingResolver, setEditingResolver] = useState(false);
  const listed = useNics(instance.id);
  const link = useSetNicLink(instance.id);
  const remove = useRemoveNic(instance.id);
  const vm = instance.kind === 'vm';
  const live = instance.state === 'running' || instance.state === 'paused';
  const configure =
    needs(me, 'instance.configure', instance) ??
    busyReason(useActiveTaskByInstance().get(instance.id)) ??
    (instance.state === 'suspended' ? 'the instance is suspended: resume it first' : null);
  const nics = listed.data?.nics;
  const max = listed.data?.max ?? 8;
  /** A VM's NICs are net0…, a container's adapters eth0-eth3. */
  const nameOf = (n: number) => (vm ? `net${n}` : `eth${n}`);
  const addReason =
    configure ??
    (nics && nics.length >= max
      ? `${vm ? 'a VM' : 'a container'} has at most ${max} ${vm ? 'NICs' : 'adapters'}`
      : null) ??
    (!vm && instance.state === 'frozen'
      ? 'the container is suspended: resume it or stop it to add an adapter'
      : null) ??
    (vm && live && listed.data && !listed.data.liveAdd
      ? 'this VM was created before NIC hot-plug: stop it to add a NIC'
      : null);
  const removeReason = (n: { nic: number; hotplug: boolean }) =>
    configure ??
    (vm
      ? ((live && !n.hotplug
          ? 'this VM was created before NIC hot-plug: stop it to remove a NIC'
          : null) ??
        (instance.state === 'paused' ? 'the VM is paused: its guest cannot let the NIC go' : null))
      : ((n.nic === 0
          ? 'eth0 carries the default route: change its network or address instead'
          : null) ??
        (instance.state === 'frozen'
          ? 'the container is suspended: resume it or stop it to remove an adapter'
          : null)));
  const settingsReason =
    configure ??
    (instance.state === 'frozen' ? 'the container is suspended: resume it or stop it first' : null);
  const resolver = listed.data?.resolver;
  return (
    <div className="space-y-3">
      <div className="flex items-center gap-3">
        <h2 className="text-base font-semibold">Network adapters</h2>
        <Button
          size="sm"
          variant="primary"
          disabledReason={addReason}
          onClick={() => setAdding(true)}
        >
          {vm ? 'Add NIC' : 'Add adapter'}
        </Button>
        {listed.data?.resolver && (
          <Button
            size="sm"
            disabledReason={settingsReason}
            onClick={() => setEditingResolver(true)}
          >
            Gateway and DNS
          </Button>
        )}
      </div>
      <div
        className="card overflow-x-auto"
        role="region"
        aria-label="Network adapters"
        tabIndex={0}
      >
        <table className="table-base">
          <caption className="sr-only">Network adapters of {instance.name}</caption>
          <TableHead
            columns={[
              { label: 'Adapter' },
              { label: 'Network' },
              { label: 'MAC' },
              { label: 'Address' },
              { label: 'Link' },
              { label: 'Actions', className: 'sr-only' },
            ]}
          />
          <tbody>
            {(
              nics ??
              instance.nics.map((n, i) => ({
                ...n,
                nic: i,
                link: null,
                hostDevice: null,
                hotplug: false,
              }))
            ).map((n) => (
              <tr key={n.nic}>
                <td className="font-mono text-xs">
                  {nameOf(n.nic)}
                  {n.hostDevice && <span className="text-muted"> ({n.hostDevice})</span>}
                  {!vm && (
                    <span className="text-muted">
                      {' '}
                      · {'mode' in n && n.mode === 'routed' ? 'host-routed' : 'bridged'}
                    </span>
                  )}
                  {'model' in n && n.model === 'e1000' && (
                    <span className="text-muted"> · e1000</span>
                  )}
                </td>
                <td>
                  <Link
                    className="text-sky-700 hover:underline dark:text-sky-300"
                    href={`/networks/view/?name=${encodeURIComponent(n.network)}`}
                  >
                    {n.network}
                  </Link>
                </td>
                <td className="font-mono text-xs">{n.mac ?? '—'}</td>
                <td>
                  {n.ipv4 ? (
                    <>
                      <span className="font-mono">{n.ipv4}</span>{' '}
                      <span className="text-muted">{vm ? '(static lease)' : '(static)'}</span>
                    </>
                  ) : (
                    <>
                      <span className="font-mono">{instance.ips.join(', ') || '—'}</span>{' '}
                      <span className="text-muted">(from DHCP)</span>
                    </>
                  )}
                  {!vm && n.nic === 0 && instance.nics[0]?.ipv6 && (
                    <div className="font-mono">{instance.nics[0].ipv6}</div>
                  )}
                </td>
                <td>
                  {n.link && (
                    <Button
                      size="sm"
                      role="switch"
                      aria-checked={n.link === 'up'}
                      aria-label={`Link of ${nameOf(n.nic)}`}
                      title={
                        n.link === 'up'
                          ? 'Connected: click to pull the cable'
                          : 'Disconnected: click to plug the cable in'
                      }
                      disabledReason={configure}
                      busy={link.isPending && link.variables?.nic === n.nic}
                      onClick={() =>
                        link.mutate({ nic: n.nic, link: n.link === 'up' ? 'down' : 'up' })
                      }
                    >
                      {n.link === 'up' ? '● Up' : '○ Down'}
                    </Button>
                  )}
                </td>
                <td className="space-x-2 text-right">
                  {nics && (
                    <Button
                      size="sm"
                      disabledReason={settingsReason}
                      aria-label={`Edit ${nameOf(n.nic)}`}
                      onClick={() => setEditingNic(n.nic)}
                    >
                      Edit
                    </Button>
                  )}
                  <Button
                    size="sm"
                    disabledReason={removeReason(n)}
                    aria-label={`Remove ${nameOf(n.nic)}`}
                    onClick={() => setRemoving(n.nic)}
                  >
                    Remove
                  </Button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {link.isError && (
        <FormError message={saveErrors(link.error)['(root)'] ?? 'the link was not changed'} />
      )}
      {resolver && (
        <section aria-label="Gateway and DNS" className="text-sm">
          Gateway <span className="font-mono">{resolver.gateway}</span> · DNS{' '}
          <span className="font-mono">{resolver.dns.join(', ') || 'none'}</span> · search domain{' '}
          <span className="font-mono">{resolver.dnsSearch ?? 'none'}</span>
        </section>
      )}
      <p className="text-sm text-muted">
        Firewall rules for this instance are on the Firewall tab.
        {vm && ' A link down is kept for every next start.'}
      </p>
      <TrafficByClass id={instance.id} />
      {adding && <AddNicDialog instance={instance} onClose={() => setAdding(false)} />}
      {editingNic !== null && nics?.some((n) => n.nic === editingNic) && (
        <EditAdapterDialog
          instance={instance}
          nic={nics.find((n) => n.nic === editingNic)!}
          onClose={() => setEditingNic(null)}
        />
      )}
      {editingResolver && resolver && (
        <ResolverDialog
          instance={instance}
          resolver={resolver}
          onClose={() => setEditingResolver(false)}
        />
      )}
      {removing !== null && (
        <ConfirmDialog
          title={`Remove ${nameOf(removing)} from ${instance.name}?`}
          confirmLabel={vm ? 'Remove NIC' : 'Remove adapter'}
          danger
          busy={remove.isPending}
          onCancel={() => setRemoving(null)}
          onConfirm={() => remove.mutate(removing, { onSettled: () => setRemoving(null) })}
        >
          {vm
            ? 'Its tap, firewall port, rate limits and static lease go with it.'
            : `Its address goes back to the network, its firewall port and DNS name there with it; ${instance.state === 'running' ? 'its veth is deleted at once.' : 'the container starts without it.'}`}
          {vm &&
            live &&
            ' The running guest is asked to let it go first (PCIe hot-unplug); a guest that does not within 30 s keeps it, and the task says so.'}
        </ConfirmDialog>
      )}
    </div>
  );
}
