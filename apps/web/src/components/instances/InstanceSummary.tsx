'use client';
import { useEffect, useState, type FormEvent, type ReactNode } from 'react';
import type { Instance, UpdateInstance } from '@berth/contracts';
import { useUpdateInstance } from '@/queries/useInstances';
import { formatBytes, formatDate, formatDuration } from '@/lib/format';
import { saveErrors } from '@/lib/formErrors';
import { FormActions } from '@/components/ui/FormActions';
import { Checkbox } from '@/components/ui/Field';
import { InputField, SelectField, TextAreaField } from '@/components/ui/BoundField';
import { StateBadge } from '@/components/ui/StateBadge';
import { errorText } from '@/lib/errorText';
import { diskGrowBlocked } from '@/lib/instanceActions';
import { toast } from '@/lib/toast';
import { useHosts } from '@/queries/useHosts';
import { RunCommand } from './RunCommand';
import { IsoOptions } from './IsoOptions';
import { ShellSettingsForm } from './ShellSettingsForm';
import { InstanceMetrics } from '@/components/monitoring/InstanceMetrics';

function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="grid grid-cols-[8.5rem_1fr] gap-2 py-1.5 text-sm">
      <dt className="text-muted">{label}</dt>
      <dd className="min-w-0 break-words">{children}</dd>
    </div>
  );
}

const mib = (bytes: number) => Math.round(bytes / 1024 / 1024);

/** State, configuration, addresses and uptime, beside the editable details. */
export function InstanceSummary({ instance: i }: { instance: Instance }) {
  return (
    <div className="grid gap-4 lg:grid-cols-2">
      <section aria-labelledby="cfg" className="card p-4">
        <h2 id="cfg" className="mb-2 font-semibold">
          Configuration
        </h2>
        <dl className="divide-y divide-line/60">
          <Row label="State">
            <StateBadge state={i.state} />
          </Row>
          <Row label="Uptime">{i.state === 'running' ? formatDuration(i.uptimeSeconds) : '—'}</Row>
          <Row label="Kind">{i.kind === 'vm' ? 'Virtual machine' : 'Container'}</Row>
          {i.ctid !== null && <Row label="CT ID">{i.ctid}</Row>}
          <Row label="Hostname">
            {i.hostname ||
              (i.kind === 'vm' ? (
                <span className="text-muted">not told (no guest agent answer)</span>
              ) : (
                '—'
              ))}
          </Row>
          <Row label="IP addresses">
            <span className="font-mono text-xs">{i.ips.join(', ') || '—'}</span>
          </Row>
          {i.dns.length > 0 && <Row label="DNS">{i.dns.join(', ')}</Row>}
          <Row label="Template">{i.template ?? '—'}</Row>
          <Row label="Disk">{formatBytes(i.diskSizeBytes)}</Row>
          {i.pool !== null && <Row label="Storage pool">{i.pool}</Row>}
          {i.disabled && <Row label="Disabled">yes: it cannot be started until enabled</Row>}
          {i.vm && (
            <>
              <Row label="CPUs, memory">
                {i.vm.vcpus} vCPU · {i.vm.memoryMiB} MiB
              </Row>
              <Row label="Disks">
                {i.vm.disks
                  .map(
                    (d) =>
                      `${d.name} ${formatBytes(d.sizeBytes)}${d.template ? ` (from ${d.template})` : ''}`,
                  )
                  .join(', ') || 'none'}
              </Row>
              <Row label="CD-ROM">{i.vm.cdrom ?? 'empty'}</Row>
              <Row label="Boot order">{i.vm.boot.join(', ')}</Row>
              <Row label="Acceleration">{i.vm.accel === 'kvm' ? 'KVM' : 'TCG (emulated)'}</Row>
              <Row label="Guest agent">{i.vm.guestAgent ? 'answering' : 'not answering'}</Row>
            </>
          )}
          <Row label="Start at boot">{i.onboot ? 'yes' : 'no'}</Row>
          <Row label="Created">{formatDate(i.createdAt)}</Row>
          <Row label="ID">
            <span className="font-mono text-xs">{i.id}</span>
          </Row>
        </dl>
      </section>
      <div className="space-y-4">
        <DetailsForm instance={i} />
        {i.kind === 'ct' && <ShellSettingsForm instance={i} />}
      </div>
      <RunCommand instance={i} />
      <div className="lg:col-span-2">
        <InstanceMetrics instance={i} />
      </div>
    </div>
  );
}

const formOf = (i: Instance) => ({
  description: i.description,
  tags: i.tags.join(', '),
  onboot: i.onboot,
  diskSizeMiB: String(mib(i.diskSizeBytes)),
  cdrom: i.vm?.cdrom ?? '',
});

/** Description, tags, onboot, and per kind: grow the disk (CT) or change the CD (VM). */
function DetailsForm({ instance: i }: { instance: Instance }) {
  const update = useUpdateInstance(i.id);
  const host = useHosts().data?.find((h) => h.id === i.hostId);
  const [f, setF] = useState(() => formOf(i));
  const [dirty, setDirty] = useState(false);
  const [errors, setErrors] = useState<Record<string, string>>({});
  // A change from elsewhere (the event stream) shows up here unless the user is editing.
  useEffect(() => {
    if (!dirty) setF(formOf(i));
  }, [i, dirty]);
  const set = <K extends keyof ReturnType<typeof formOf>>(
    k: K,
    v: ReturnType<typeof formOf>[K],
  ) => {
    setDirty(true);
    setF((o) => ({ ...o, [k]: v }));
  };

  const form = { values: f, set, errors };

  /*
   * The disk grow goes on its own, after the rest: it is the one change the host may refuse
   * (a live grow without CAP_SYS_RESOURCE), and a refusal must not take the description, tags
   * and the rest down with it. What was not saved is said beside its field and in a toast.
   */
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const before = formOf(i);
    const tags = f.tags.split(/[\s,]+/).filter(Boolean);
    const body: UpdateInstance = {};
    if (f.description !== before.description) body.description = f.description;
    if (tags.join(',') !== i.tags.join(',')) body.tags = tags;
    if (f.onboot !== before.onboot) body.onboot = f.onboot;
    if (i.kind === 'vm' && (f.cdrom || null) !== (i.vm?.cdrom ?? null))
      body.cdrom = f.cdrom || null;
    const grow =
      i.kind === 'ct' && f.diskSizeMiB !== before.diskSizeMiB ? Number(f.diskSizeMiB) : null;
    try {
      if (Object.keys(body).length) await update.mutateAsync(body);
    } catch (err) {
      setErrors(saveErrors(err));
      return;
    }
    if (grow !== null) {
      try {
        await update.mutateAsync({ diskSizeMiB: grow });
      } catch (err) {
        const why = saveErrors(err);
        const text = why.diskSizeMiB ?? why['(root)'] ?? errorText(err);
        setErrors({ diskSizeMiB: `Not saved: ${text}` });
        toast({
          tone: 'error',
          title: Object.keys(body).length
            ? `Saved ${i.name}, except the disk size`
            : `The disk of ${i.name} was not grown`,
          body: text,
        });
        return;
      }
    }
    setErrors({});
    setDirty(false);
    toast({ tone: 'success', title: `Saved ${i.name}` });
  };

  const growBlocked = diskGrowBlocked(i, host?.facts?.storage.growInUse);
  return (
    <form
      onSubmit={(e) => void submit(e)}
      aria-labelledby="details"
      className="card space-y-4 p-4"
      noValidate
    >
      <h2 id="details" className="font-semibold">
        Details
      </h2>
      <TextAreaField form={form} name="description" label="Description" rows={3} />
      <InputField form={form} name="tags" label="Tags" hint="Separated by commas" />
      {i.kind === 'ct' && (
        <InputField
          form={form}
          name="diskSizeMiB"
          label="Disk size (MiB)"
          hint={growBlocked ?? 'Disks can only grow'}
          type="number"
          disabled={!!growBlocked}
        />
      )}
      {i.kind === 'vm' && (
        <SelectField
          form={form}
          name="cdrom"
          label="CD-ROM"
          hint="Insert or eject, also while running"
        >
          <IsoOptions none="Empty" />
        </SelectField>
      )}
      <Checkbox label="Start at boot" checked={f.onboot} onChange={(v) => set('onboot', v)} />
      <FormActions
        rootError={errors['(root)']}
        busy={update.isPending}
        dirty={dirty}

        onDiscard={() => {
          setDirty(false);
          setErrors({});
          setF(formOf(i));
        }}
      />
    </form>
  );
}
