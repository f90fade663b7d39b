'use client';
import { useState } from 'react';
import type { Instance, VmHardwareRequest } from '@berth/contracts';
import { saveErrors } from '@/lib/formErrors';
import { toast } from '@/lib/toast';
import { useSetVmHardware, useVmHardwareChoices } from '@/queries/useVmHardware';
import { Button } from '@/components/ui/Button';
import { Field } from '@/components/ui/Field';
import { FormError } from '@/components/ui/FormError';

type Device = 'disk' | 'cdrom' | 'network';
const DEVICES: Device[] = ['disk', 'cdrom', 'network'];
const LABEL = {
  firmware: 'Firmware',
  machine: 'Machine type',
  cpuModel: 'CPU model',
  boot: 'Boot order',
  vcpus: 'vCPUs',
  memoryMiB: 'Memory (MiB)',
};
const shown = (v: unknown) =>
  v === null ? 'default' : Array.isArray(v) ? v.join(' → ') : String(v);

/**
 * Firmware, machine type, CPU model and boot order: QEMU takes them at start, so a running VM
 * lists what it will change at its next start until then.
 */
export function StartSettings({
  instance,
  disabledReason,
}: {
  instance: Instance;
  disabledReason: string | null;
}) {
  const vm = instance.vm!;
  const choices = useVmHardwareChoices(instance.id).data;
  const save = useSetVmHardware(instance.id);
  const [firmware, setFirmware] = useState(vm.firmware ?? 'bios');
  const [machine, setMachine] = useState(vm.machine ?? 'q35');
  const [cpuModel, setCpuModel] = useState(vm.cpuModel ?? '');
  const [boot, setBoot] = useState<Device[]>(vm.boot as Device[]);
  const errors = save.isError ? saveErrors(save.error) : {};
  // Ports and USB devices show theirs in their own sections.
  const pending = (vm.pendingChanges ?? []).filter(
    (c): c is typeof c & { field: keyof typeof LABEL } => c.field in LABEL,
  );
  const move = (d: Device, by: -1 | 1) => {
    const i = boot.indexOf(d);
    const next = [...boot];
    [next[i], next[i + by]] = [next[i + by]!, next[i]!];
    setBoot(next);
  };
  const body: VmHardwareRequest = { firmware, machine, cpuModel: cpuModel || null, boot };
  return (
    <section className="space-y-3" aria-label="Start settings">
      <h2 className="text-base font-semibold">Firmware, machine and boot order</h2>
      {pending.length > 0 && (
        <div className="card border-amber-400 p-3 text-sm" role="status">
          <p className="font-medium">Applies at next start</p>
          <ul className="mt-1 list-disc pl-5">
            {pending.map((c) => (
              <li key={c.field}>
                {LABEL[c.field]}: {shown(c.running)} now, {shown(c.next)} from the next start
              </li>
            ))}
          </ul>
        </div>
      )}
      <form
        className="card grid gap-4 p-4 sm:grid-cols-2"
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate(body, {
            onSuccess: (c) =>
              toast({
                tone: 'success',
                title: 'Settings saved',
                body:
                  c.applies === 'live' ? 'The VM has them now.' : 'They apply at the next start.',
              }),
          });
        }}
      >
        <Field label="Firmware" error={errors.firmware}>
          {(a) => (
            <select
              {...a}
              className="input"
              value={firmware}
              onChange={(e) => setFirmware(e.target.value as 'bios' | 'uefi')}
            >
              <option value="bios">BIOS (SeaBIOS)</option>
              <option value="uefi" disabled={choices && !choices.uefi}>
                UEFI (OVMF){choices && !choices.uefi ? ' — not installed on the host' : ''}
              </option>
            </select>
          )}
        </Field>
        <Field label="Machine type" error={errors.machine}>
          {(a) => (
            <select
              {...a}
              className="input"
              value={machine}
              onChange={(e) => setMachine(e.target.value)}
            >
              {(choices?.machines ?? [machine]).map((m) => (
                <option key={m} value={m}>
                  {m === 'q35' ? 'q35 (newest)' : m}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="CPU model" error={errors.cpuModel}>
          {(a) => (
            <select
              {...a}
              className="input"
              value={cpuModel}
              onChange={(e) => setCpuModel(e.target.value)}
            >
              <option value="">Default (host under KVM, max under TCG)</option>
              {(choices?.cpuModels ?? []).map((m) => (
                <option key={m} value={m}>
                  {m}
                </option>
              ))}
            </select>
          )}
        </Field>
        <fieldset>
          <legend className="text-sm font-medium">Boot order</legend>
          <ol className="mt-1 space-y-1">
            {boot.map((d, i) => (
              <li key={d} className="flex items-center gap-2 text-sm">
                <span className="w-20">
                  {i + 1}. {d}
                </span>
                <Button
                  size="sm"
                  aria-label={`${d} earlier`}
                  disabledReason={i === 0 ? 'first' : null}
                  onClick={() => move(d, -1)}
                >
                  ↑
                </Button>
                <Button
                  size="sm"
                  aria-label={`${d} later`}
                  disabledReason={i === boot.length - 1 ? 'last' : null}
                  onClick={() => move(d, 1)}
                >
                  ↓
                </Button>
                <Button
                  size="sm"
                  aria-label={`Remove ${d} from the boot order`}
                  disabledReason={boot.length === 1 ? 'a VM boots from something' : null}
                  onClick={() => setBoot(boot.filter((x) => x !== d))}
                >
                  Remove
                </Button>
              </li>
            ))}
          </ol>
          {DEVICES.filter((d) => !boot.includes(d)).map((d) => (
            <Button key={d} size="sm" className="mr-2 mt-2" onClick={() => setBoot([...boot, d])}>
              Add {d}
            </Button>
          ))}
          <FormError message={errors.boot} />
        </fieldset>
        <FormError message={errors['(root)']} />
        <div className="flex items-end justify-end sm:col-span-2">
          <Button
            type="submit"
            variant="primary"
            busy={save.isPending}
            disabledReason={disabledReason}
          >
            Save{instance.state === 'running' ? ' for the next start' : ''}
          </Button>
        </div>
      </form>
    </section>
  );
}
