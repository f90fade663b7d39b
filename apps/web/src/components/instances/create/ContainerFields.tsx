'use client';
import { useTemplates } from '@/queries/useTemplates';
import { useMe } from '@/queries/useAuth';
import { usePools } from '@/queries/useStorage';
import { formatBytes } from '@/lib/format';
import type { CreateForm } from '@/lib/createForm';
import { can } from '@/lib/can';
import { InputField, SelectField, type FormBinding } from '@/components/ui/BoundField';
import { Checkbox } from '@/components/ui/Field';
import { NetworkSelect } from '@/components/networks/NetworkSelect';
import { PrivilegedCreateWarning } from '../Privileged';
import { Section } from './Section';

/** A container's own fields in the General section. */
export function ContainerBasics({ form }: { form: FormBinding<CreateForm> }) {
  const templates = useTemplates();
  const ctTemplates = templates.data?.filter((t) => t.kind === 'ct') ?? [];
  return (
    <>
      <SelectField
        form={form}
        name="template"
        label="Template"
        hint={templates.isPending ? 'Loading templates…' : 'Built on first use when not cached'}
      >
        {(ctTemplates.length ? ctTemplates : [{ name: 'busybox', cached: true }]).map((t) => (
          <option key={t.name} value={t.name}>
            {t.name}
            {t.cached ? '' : ' (built on first use)'}
          </option>
        ))}
      </SelectField>
      <InputField
        form={form}
        name="ctid"
        label="CT ID"
        hint="Empty for the next free one"
        inputMode="numeric"
        placeholder="auto"
      />
      <InputField
        form={form}
        name="hostname"
        label="Hostname"
        hint="Defaults to the name"
        autoComplete="off"
      />
      <InputField
        form={form}
        name="rootPassword"
        label="Root password"
        hint="Optional; at least 8 characters"
        type="password"
        autoComplete="new-password"
      />
    </>
  );
}

/** A container's network, storage and (for those who may) privilege. */
export function ContainerSections({ form }: { form: FormBinding<CreateForm> }) {
  const me = useMe().data;
  // Listing pools needs host.view: without it the default pool is the one choice.
  const pools = usePools();
  const usable = (pools.data ?? []).filter((p) => p.available);
  const fallback = usable.find((p) => p.default);
  return (
    <>
      <Section title="Network">
        <NetworkSelect form={form} />
        <SelectField
          form={form}
          name="networkMode"
          label="Adapter mode"
          hint={
            form.values.networkMode === 'routed'
              ? 'Host-routed: its address is routed to it, on no bridge; it cannot send from another'
              : 'Bridged: on the network like a machine on a switch'
          }
        >
          <option value="bridged">Bridged</option>
          <option value="routed">Host-routed (venet)</option>
        </SelectField>
        <InputField
          form={form}
          name="ipv4"
          label="IPv4 address"
          hint="address/prefix in the network's subnet; empty for the next free one"
          placeholder="auto"
        />
        <InputField form={form} name="gateway" label="Gateway" hint="Optional" />
        <InputField
          form={form}
          name="dns"
          label="DNS servers"
          hint="Up to 3, separated by commas"
        />
      </Section>
      <Section title="Storage">
        <InputField form={form} name="diskSizeMiB" label="Disk size (MiB)" type="number" min={16} />
        <SelectField
          form={form}
          name="pool"
          label="Storage pool"
          hint={
            pools.isPending
              ? 'Loading pools…'
              : 'Where the private area lives; snapshots and linked clones need a btrfs pool'
          }
        >
          <option value="">default{fallback ? ` (${fallback.name})` : ''}</option>
          {usable.map((p) => (
            <option key={p.name} value={p.name}>
              {p.name}: {p.driver}, {formatBytes(p.freeBytes)} free
            </option>
          ))}
        </SelectField>
      </Section>
      {can(me, 'instance.privileged') && (
        <Section title="Security">
          <Checkbox
            label="Privileged container"
            hint="Unprivileged (the default) runs root in the container as an ordinary user of the host"
            checked={form.values.privileged}
            onChange={(v) => form.set('privileged', v)}
          />
          {form.values.privileged && <PrivilegedCreateWarning />}
        </Section>
      )}
    </>
  );
}
