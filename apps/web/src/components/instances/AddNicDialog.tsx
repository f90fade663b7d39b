'use client';
import { useState } from 'react';
import type { Instance } from '@berth/contracts';
import { can } from '@/lib/can';
import { saveErrors } from '@/lib/formErrors';
import { useMe } from '@/queries/useAuth';
import { useNetworks } from '@/queries/useNetworks';
import { useAddNic } from '@/queries/useNics';
import { DialogFooter } from '@/components/ui/DialogFooter';
import { Field } from '@/components/ui/Field';
import { TextField } from '@/components/ui/TextField';
import { FormError } from '@/components/ui/FormError';
import { Modal } from '@/components/ui/Modal';
import { NetworkOptions } from '@/components/networks/NetworkOptions';

/**
 * A NIC added to a VM (hot-plugged when it runs, there at its next start when stopped), or an
 * adapter (eth1-eth3, bridged) to a stopped container, there from its next start.
 */
export function AddNicDialog({ instance, onClose }: { instance: Instance; onClose: () => void }) {
  const networks = useNetworks(can(useMe().data, 'host.view'));
  const add = useAddNic(instance.id);
  const [network, setNetwork] = useState(instance.nics[0]?.network ?? 'default');
  const [ipv4, setIpv4] = useState('');
  const [mac, setMac] = useState('');
  const [model, setModel] = useState<'virtio' | 'e1000'>('virtio');
  const vm = instance.kind === 'vm';
  const what = vm ? 'NIC' : 'adapter';
  const [failed, setFailed] = useState<string | null>(null);
  const errors = add.isError ? saveErrors(add.error) : {};
  const chosen = networks.data?.find((n) => n.name === network);
  const live = instance.state === 'running' || instance.state === 'paused';
  return (
    <Modal title={`Add ${vm ? 'a NIC' : 'an adapter'} to ${instance.name}`} onClose={onClose}>
      <form
        className="space-y-4"
        onSubmit={(e) => {
          e.preventDefault();
          setFailed(null);
          add.mutate({
            body: {
              network,
              ...(ipv4.trim() ? { ipv4: ipv4.trim() } : {}),
              ...(vm && mac.trim() ? { mac: mac.trim().toLowerCase() } : {}),
              ...(vm && model !== 'virtio' ? { model } : {}),
            },
            cb: {
              onSuccess: onClose,
              onFailure: (t) => setFailed(t.error?.message ?? `the ${what} was not added`),
            },
          });
        }}
      >
        <p className="text-sm text-muted">
          {!vm
            ? `A bridged adapter with an address of its own on the network, without a gateway (eth0 keeps the default route); ${instance.state === 'running' ? 'the running container gets it at once, up and addressed.' : 'the container has it from its next start.'}`
            : live
              ? 'The running VM gets it at once (hot-plugged); bring it up in the guest.'
              : 'The VM has it from its next start.'}
        </p>
        <Field label="Network" error={errors.network}>
          {(a) => (
            <select
              {...a}
              className="input"
              value={network}
              onChange={(e) => setNetwork(e.target.value)}
            >
              <NetworkOptions networks={networks.data} current={network} />
            </select>
          )}
        </Field>
        <TextField
          label={vm ? 'Static lease (address/prefix)' : 'Address (address/prefix)'}
          hint={
            vm
              ? `Empty: DHCP hands it any address from ${chosen ? `${chosen.dhcp.first}–${chosen.dhcp.last}` : 'the range'}.`
              : `Empty: the next free address of ${chosen?.ipv4 ?? 'the network'}, outside its DHCP range.`
          }
          error={errors.ipv4}
          mono
          value={ipv4}
          onChange={setIpv4}
        />
        {vm && (
          <TextField
            label="MAC"
            hint="Empty: one derived from the VM's id."
            error={errors.mac}
            mono
            placeholder="52:54:00:12:34:56"
            value={mac}
            onChange={setMac}
          />
        )}
        {vm && (
          <Field
            label="Model"
            hint="e1000 (an emulated Intel e1000e) for guests without virtio drivers."
            error={errors.model}
          >
            {(a) => (
              <select
                {...a}
                className="input"
                value={model}
                onChange={(e) => setModel(e.target.value as 'virtio' | 'e1000')}
              >
                <option value="virtio">virtio</option>
                <option value="e1000">e1000</option>
              </select>
            )}
          </Field>
        )}
        <FormError message={failed ?? errors['(root)']} />
        <DialogFooter onCancel={onClose} busy={add.isPending}>
          {vm ? 'Add NIC' : 'Add adapter'}
        </DialogFooter>
      </form>
    </Modal>
  );
}
