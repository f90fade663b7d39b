'use client';
import { VmDiskBus, VmDiskCache } from '@berth/contracts';
import { useIsos } from '@/queries/useIsos';
import { useTemplates } from '@/queries/useTemplates';
import { BOOT_ORDERS, type CreateForm } from '@/lib/createForm';
import { InputField, SelectField, type FormBinding } from '@/components/ui/BoundField';
import { Checkbox } from '@/components/ui/Field';
import { NetworkSelect } from '@/components/networks/NetworkSelect';
import { CACHE_HINT } from '@/components/vm-hardware/DiskBusCache';
import { IsoOptions } from '../IsoOptions';
import { Section } from './Section';

/** A VM's own fields in the General section. */
export function VmBasics({ form }: { form: FormBinding<CreateForm> }) {
  return (
    <>
      <InputField form={form} name="vcpus" label="CPUs" type="number" min={1} max={64} />
      <InputField
        form={form}
        name="memoryMiB"
        label="Memory (MiB)"
        type="number"
        min={32}
        step={32}
      />
    </>
  );
}

/** A VM's disk, CD-ROM, boot order and network. */
export function VmSections({ form }: { form: FormBinding<CreateForm> }) {
  const templates = useTemplates();
  const isos = useIsos();
  const f = form.values;
  const vmTemplates = templates.data?.filter((t) => t.kind === 'vm') ?? [];
  return (
    <>
      <Section title="Disk and boot">
        <SelectField
          form={form}
          name="diskSource"
          label="Disk"
          // With a disk, its errors show under its size.
          errorKey={f.diskSource === 'none' ? 'disks' : null}
        >
          <option value="template">From a template</option>
          <option value="empty">New empty disk</option>
          <option value="none">No disk</option>
        </SelectField>
        {f.diskSource === 'template' && (
          <>
            <SelectField
              form={form}
              name="vmTemplate"
              label="VM template"
              hint={
                vmTemplates.find((t) => t.name === f.vmTemplate)?.cached === false
                  ? 'Not built yet: build it on the Templates page'
                  : undefined
              }
            >
              {(vmTemplates.length ? vmTemplates : [{ name: 'tiny-linux', cached: true }]).map(
                (t) => (
                  <option key={t.name} value={t.name}>
                    {t.name}
                    {t.cached ? '' : ' (not built yet)'}
                  </option>
                ),
              )}
            </SelectField>
            <SelectField form={form} name="clone" label="Clone">
              <option value="linked">Linked clone (fast, shares the base)</option>
              <option value="copy">Full copy</option>
            </SelectField>
          </>
        )}
        {f.diskSource !== 'none' && (
          <InputField
            form={form}
            name="vmDiskMiB"
            label="Disk size (MiB)"
            hint={f.diskSource === 'template' ? "Optional: grow the template's disk" : undefined}
            errorKey="disks"
            type="number"
            min={16}
          />
        )}
        {f.diskSource !== 'none' && (
          <>
            <SelectField
              form={form}
              name="diskBus"
              label="Disk bus"
              hint="virtio is the fastest; sata or ide for guests without virtio drivers"
            >
              {VmDiskBus.options.map((b) => (
                <option key={b} value={b}>
                  {b}
                </option>
              ))}
            </SelectField>
            <SelectField form={form} name="diskCache" label="Cache mode" hint={CACHE_HINT}>
              {VmDiskCache.options.map((c) => (
                <option key={c} value={c}>
                  {c}
                </option>
              ))}
            </SelectField>
          </>
        )}
        <SelectField
          form={form}
          name="cdrom"
          label="CD-ROM (ISO)"
          hint={isos.data?.length === 0 ? 'The ISO store is empty' : undefined}
        >
          <IsoOptions none="None" />
        </SelectField>
        <SelectField form={form} name="boot" label="Boot order">
          {Object.entries(BOOT_ORDERS).map(([v, t]) => (
            <option key={v} value={v}>
              {t}
            </option>
          ))}
        </SelectField>
      </Section>
      <Section title="Network">
        <div className="sm:col-span-2">
          <Checkbox
            label="Attach to a network"
            hint="A tap on the network's bridge; the address comes by DHCP"
            checked={f.network}
            onChange={(v) => form.set('network', v)}
          />
          {form.errors.nics && <p className="field-error">{form.errors.nics}</p>}
        </div>
        {f.network && <NetworkSelect form={form} />}
      </Section>
    </>
  );
}
