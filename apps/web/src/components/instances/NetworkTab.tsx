'use client';
import Link from 'next/link';
import { useState } from 'react';
import type { Instance } from '@berth/contracts';
import { can, needs } from '@/lib/can';
import { saveErrors } from '@/lib/formErrors';
import { useMe } from '@/queries/useAuth';
import { useNetworks, useSetInstanceNetwork } from '@/queries/useNetworks';
import { Button } from '@/components/ui/Button';
import { Field } from '@/components/ui/Field';
import { FormError } from '@/components/ui/FormError';
import { Modal } from '@/components/ui/Modal';
import { TableHead } from '@/components/ui/TableHead';

/**
 * Moves the first adapter to another network (stopped instances only) or changes its address:
 * a container's own, or a VM's static DHCP lease, which may change while the VM runs.
 */
function ChangeNetworkDialog({ instance, onClose }: { instance: Instance; onClose: () => void }) {
  const nic = instance.nics[0]!;
  const mayList = can(useMe().data, 'host.view');
  const networks = useNetworks(mayList);
  const change = useSetInstanceNetwork(instance.id);
  const [network, setNetwork] = useState(nic.network);
  const [ipv4, setIpv4] = useState(nic.ipv4 ?? '');
  const errors = change.isError ? saveErrors(change.error) : {};
  const vm = instance.kind === 'vm';
  const moving = network !== nic.network;
  const chosen = networks.data?.find((n) => n.name === network);
  return (
    <Modal title={`Network of ${instance.name}`} onClose={onClose}>
      <form
        className="space-y-4"
        onSubmit={(e) => {
          e.preventDefault();
          change.mutate(
            { network, ...(ipv4.trim() ? { ipv4: ipv4.trim() } : {}) },
            { onSuccess: onClose },
          );
        }}
      >
        <Field
          label="Network"
          hint={
            moving && instance.state !== 'stopped'
              ? 'Stop the instance to move it to another network.'
              : undefined
          }
          error={errors.network}
        >
          {(a) => (
            <select
              {...a}
              className="input"
              value={network}
              onChange={(e) => setNetwork(e.target.value)}
            >
              {(networks.data ?? [{ name: nic.network, ipv4: '' }]).map((n) => (
                <option key={n.name} value={n.name}>
                  {n.name}
                  {n.ipv4 ? `: ${n.ipv4}` : ''}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field
          label={vm ? 'Static lease (address/prefix)' : 'Address (address/prefix)'}
          hint={
            vm
              ? `Empty: DHCP hands the VM any address from ${chosen ? `${chosen.dhcp.first}–${chosen.dhcp.last}` : 'its range'}. A static lease lies outside that range; the guest takes it at its next DHCP request.`
              : 'Empty: the next free address on the network.'
          }
          error={errors.ipv4}
        >
          {(a) => (
            <input
              {...a}
              className="input font-mono"
              placeholder={chosen ? chosen.ipv4.replace(/\.\d+\//, '.50/') : '10.0.3.50/24'}
              value={ipv4}
              onChange={(e) => setIpv4(e.target.value)}
            />
          )}
        </Field>
        <FormError message={errors['(root)']} />
        <div className="flex justify-end gap-2">
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="primary" busy={change.isPending}>
            Save
          </Button>
        </div>
      </form>
    </Modal>
  );
}

/** An instance's adapters: network, MAC, address and where the address comes from. */
export function NetworkTab({ instance }: { instance: Instance }) {
  const me = useMe().data;
  const [editing, setEditing] = useState(false);
  const vm = instance.kind === 'vm';
  const reason =
    needs(me, 'instance.configure', instance) ??
    (instance.nics.length === 0 ? 'the instance has no network adapter' : null);
  return (
    <div className="space-y-3">
      <div className="flex items-center gap-3">
        <h2 className="text-base font-semibold">Network adapters</h2>
        <Button size="sm" disabledReason={reason} onClick={() => setEditing(true)}>
          Change network or address
        </Button>
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
            ]}
          />
          <tbody>
            {instance.nics.map((n, i) => (
              <tr key={i}>
                <td className="font-mono text-xs">{vm ? `net${i}` : 'eth0'}</td>
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
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p className="text-sm text-muted">
        Firewall rules for this instance are on the Firewall tab.
      </p>
      {editing && <ChangeNetworkDialog instance={instance} onClose={() => setEditing(false)} />}
    </div>
  );
}
