'use client';
import type { CreateForm } from '@/lib/createForm';
import { can } from '@/lib/can';
import { useMe } from '@/queries/useAuth';
import { useNetworks } from '@/queries/useNetworks';
import { SelectField, type FormBinding } from '@/components/ui/BoundField';

/**
 * The create wizard's network choice. Listing networks needs host.view: without it `default`
 * is the one choice, as the API takes it when none is named.
 */
export function NetworkSelect({ form }: { form: FormBinding<CreateForm> }) {
  const mayList = can(useMe().data, 'host.view');
  const networks = useNetworks(mayList);
  const others = (networks.data ?? []).filter((n) => !n.default);
  return (
    <SelectField
      form={form}
      name="networkName"
      label="Network"
      errorKey="network"
      hint={networks.isFetching ? 'Loading networks…' : 'Instances on one network reach each other'}
    >
      <option value="">default</option>
      {others.map((n) => (
        <option key={n.name} value={n.name}>
          {n.name}: {n.ipv4}
          {n.nat ? ', NAT' : ''}
        </option>
      ))}
    </SelectField>
  );
}
