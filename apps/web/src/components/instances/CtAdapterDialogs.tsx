'use client';
import { useState } from 'react';
import type { Instance, InstanceNic, InstanceNics, SetCtAdapterRequest } from '@berth/contracts';
import { can } from '@/lib/can';
import { saveErrors } from '@/lib/formErrors';
import { useMe } from '@/queries/useAuth';
import { useNetworks } from '@/queries/useNetworks';
import { useSetNicSettings } from '@/queries/useNics';
import { DialogFooter } from '@/components/ui/DialogFooter';
import { Field } from '@/components/ui/Field';
import { TextField } from '@/components/ui/TextField';
import { FormError } from '@/components/ui/FormError';
import { Modal } from '@/components/ui/Modal';
import { NetworkOptions } from '@/components/networks/NetworkOptions';

/** The save of either dialog: only what changed is sent; a failed task's reason shown at the form's root. */
function useSettingsSave(instance: Instance, nic: number, onClose: () => void) {
  const save = useSetNicSettings(instance.id);
  const [failed, setFailed] = useState<string | null>(null);
  const submit = (body: SetCtAdapterRequest) => {
    setFailed(null);
    if (Object.keys(body).length === 0) return onClose();
    save.mutate({
      nic,
      body,
      cb: {
        onSuccess: onClose,
        onFailure: (t) => setFailed(t.error?.message ?? 'the settings were not changed'),
      },
    });
  };
  const errors = save.isError ? saveErrors(save.error) : {};
  return { submit, errors, failed, busy: save.isPending };
}

/**
 * An adapter's network, address and MAC, changed at once in a running instance.
 */
export function EditAdapterDialog({
  instance,
  nic,
  onClose,
}: {
  instance: Instance;
  nic: InstanceNic;
  onClose: () => void;
}) {
  const networks = useNetworks(can(useMe().data, 'host.view'));
  const { submit, errors, failed, busy } = useSettingsSave(instance, nic.nic, onClose);
  const [network, setNetwork] = useState(nic.network);
  const [ipv4, setIpv4] = useState(nic.ipv4 ?? '');
  const [mac, setMac] = useState(nic.mac);
  const stopped = instance.state === 'stopped';
  const vm = instance.kind === 'vm';
  const chosen = networks.data?.find((n) => n.name === network);
  const hints = vm
    ? {
        network: stopped
          ? undefined
          : 'The NIC moves at once; the guest takes an address there at its next DHCP request.',
        ipv4: `A static lease in ${chosen?.ipv4 ?? 'the network'}; empty: an address from its DHCP range.`,
        mac: stopped
          ? 'Unicast, locally administered; the VM has it from its next start.'
          : 'Unicast, locally administered; the NIC is unplugged and plugged in again with it, so the guest sees a new NIC.',
      }
    : {
        network: stopped
          ? undefined
          : nic.mode === 'routed'
            ? 'The adapter moves at once: its host route and proxy ARP follow its new address.'
            : 'The adapter moves at once: it joins the other bridge with its new address.',
        ipv4: `Empty: the next free address of ${chosen?.ipv4 ?? 'the network'}.`,
        mac: stopped
          ? 'Unicast, locally administered; the container has it from its next start.'
          : 'Unicast, locally administered; set inside the running container at once.',
      };
  return (
    <Modal title={`Edit ${vm ? 'net' : 'eth'}${nic.nic} of ${instance.name}`} onClose={onClose}>
      <form
        className="space-y-4"
        onSubmit={(e) => {
          e.preventDefault();
          const moved = network !== nic.network;
          submit({
            ...(moved && { network }),
            ...(ipv4.trim() && (moved || ipv4.trim() !== nic.ipv4) && { ipv4: ipv4.trim() }),
            ...(mac.trim().toLowerCase() !== nic.mac && { mac: mac.trim().toLowerCase() }),
          });
        }}
      >
        <Field label="Network" hint={hints.network} error={errors.network}>
          {(a) => (
            <select
              {...a}
              className="input"
              value={network}
              onChange={(e) => {
                setNetwork(e.target.value);
                if (e.target.value !== nic.network) setIpv4('');
              }}
            >
              <NetworkOptions networks={networks.data} current={nic.network} />
            </select>
          )}
        </Field>
        <TextField
          label="Address (address/prefix)"
          hint={hints.ipv4}
          error={errors.ipv4}
          mono
          value={ipv4}
          onChange={setIpv4}
        />
        <TextField
          label="MAC"
          hint={hints.mac}
          error={errors.mac}
          mono
          value={mac}
          onChange={setMac}
        />
        <FormError message={failed ?? errors['(root)']} />
        <DialogFooter onCancel={onClose} busy={busy}>
          Save
        </DialogFooter>
      </form>
    </Modal>
  );
}

/** The container's gateway, DNS servers and search domain (eth0's), live when it runs. */
export function ResolverDialog({
  instance,
  resolver,
  onClose,
}: {
  instance: Instance;
  resolver: NonNullable<InstanceNics['resolver']>;
  onClose: () => void;
}) {
  const { submit, errors, failed, busy } = useSettingsSave(instance, 0, onClose);
  const [gateway, setGateway] = useState(resolver.gateway);
  const [dns, setDns] = useState(resolver.dns.join(', '));
  const [search, setSearch] = useState(resolver.dnsSearch ?? '');
  return (
    <Modal title={`Gateway and DNS of ${instance.name}`} onClose={onClose}>
      <form
        className="space-y-4"
        onSubmit={(e) => {
          e.preventDefault();
          const servers = dns
            .split(/[\s,]+/)
            .map((s) => s.trim())
            .filter(Boolean);
          const domain = search.trim() || null;
          submit({
            ...(gateway.trim() !== resolver.gateway && { gateway: gateway.trim() }),
            ...(servers.join() !== resolver.dns.join() && { dns: servers }),
            ...(domain !== resolver.dnsSearch && { dnsSearch: domain }),
          });
        }}
      >
        <p className="text-sm text-muted">
          {instance.state === 'running'
            ? 'The running container gets them at once: its default route and /etc/resolv.conf.'
            : 'Written to its /etc/resolv.conf now; the gateway from its next start.'}
        </p>
        <TextField
          label="Gateway"
          hint="Inside eth0's subnet."
          error={errors.gateway}
          mono
          value={gateway}
          onChange={setGateway}
        />
        <TextField
          label="DNS servers"
          hint="Up to three, separated by commas."
          error={errors.dns}
          mono
          value={dns}
          onChange={setDns}
        />
        <TextField
          label="Search domain"
          hint="Empty: none."
          error={errors.dnsSearch}
          mono
          placeholder="lab.internal"
          value={search}
          onChange={setSearch}
        />
        <FormError message={failed ?? errors['(root)']} />
        <DialogFooter onCancel={onClose} busy={busy}>
          Save
        </DialogFooter>
      </form>
    </Modal>
  );
}
