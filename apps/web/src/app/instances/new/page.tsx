'use client';
import Link from 'next/link';
import { useRouter, useSearchParams } from 'next/navigation';
import { Suspense, useState, type FormEvent, type ReactNode } from 'react';
import { CreateContainer, CreateVm, type Task } from '@berth/contracts';
import { isApiError } from '@/api/http';
import { useCreateInstance, useInstanceAction } from '@/queries/useInstances';
import { useTemplates } from '@/queries/useTemplates';
import { useIsos } from '@/queries/useIsos';
import { useHosts } from '@/queries/useHosts';
import { issuesByField } from '@/lib/formErrors';
import { Button } from '@/components/ui/Button';
import { Checkbox, Field } from '@/components/ui/Field';
import { ProgressBar } from '@/components/ui/ProgressBar';
import { ErrorState, LoadingState, PageHeader } from '@/components/ui/States';
import { errorText } from '@/lib/errorText';

/** Text → number for the schema: empty means "leave it out"; junk stays NaN so zod says why. */
const num = (s: string) => (s.trim() === '' ? undefined : Number(s));
const opt = (s: string) => (s.trim() === '' ? undefined : s.trim());
const list = (s: string) => s.split(/[\s,]+/).filter(Boolean);

const BOOT_ORDERS = {
  'disk,cdrom': 'Disk, then CD-ROM',
  'cdrom,disk': 'CD-ROM, then disk',
  disk: 'Disk only',
  cdrom: 'CD-ROM only',
  'network,disk': 'Network (PXE), then disk',
} as const;

const initialForm = {
  hostId: '',
  name: '',
  description: '',
  tags: '',
  onboot: false,
  // container
  template: 'busybox',
  ctid: '',
  hostname: '',
  rootPassword: '',
  ipv4: '',
  gateway: '',
  dns: '',
  diskSizeMiB: '512',
  // vm
  vcpus: '1',
  memoryMiB: '256',
  diskSource: 'template' as 'template' | 'empty' | 'none',
  vmTemplate: 'tiny-linux',
  clone: 'linked' as 'linked' | 'copy',
  vmDiskMiB: '',
  cdrom: '',
  boot: 'disk,cdrom' as keyof typeof BOOT_ORDERS,
  network: true,
};
type Form = typeof initialForm;

/** The request body before validation: the API's own zod schemas decide what is valid. */
function toBody(kind: 'ct' | 'vm', f: Form) {
  const common = {
    kind,
    name: f.name.trim(),
    onboot: f.onboot,
    description: f.description,
    tags: list(f.tags),
  };
  if (kind === 'ct')
    return {
      ...common,
      template: f.template,
      ctid: num(f.ctid),
      hostname: opt(f.hostname),
      rootPassword: f.rootPassword === '' ? undefined : f.rootPassword,
      ipv4: opt(f.ipv4),
      gateway: opt(f.gateway),
      dns: list(f.dns),
      diskSizeMiB: num(f.diskSizeMiB),
    };
  const size = num(f.vmDiskMiB);
  return {
    ...common,
    vcpus: num(f.vcpus),
    memoryMiB: num(f.memoryMiB),
    disks:
      f.diskSource === 'none'
        ? []
        : f.diskSource === 'empty'
          ? [{ sizeMiB: size }]
          : [
              {
                template: f.vmTemplate,
                clone: f.clone,
                ...(size !== undefined ? { sizeMiB: size } : {}),
              },
            ],
    cdrom: f.cdrom || null,
    boot: f.boot.split(','),
    nics: f.network ? [{ network: 'default' }] : [],
  };
}

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <fieldset className="card min-w-0 p-4 sm:p-5">
      <legend className="sr-only">{title}</legend>
      <h2 aria-hidden className="mb-4 text-base font-semibold">
        {title}
      </h2>
      <div className="grid gap-4 sm:grid-cols-2">{children}</div>
    </fieldset>
  );
}

function Wizard() {
  const params = useSearchParams();
  const router = useRouter();
  const kind = params.get('kind') === 'vm' ? 'vm' : 'ct';
  const templates = useTemplates();
  const isos = useIsos();
  const hosts = useHosts();
  const create = useCreateInstance();
  const start = useInstanceAction();
  const [task, setTask] = useState<Task | null>(null);
  const [startAfter, setStartAfter] = useState(true);
  const [f, setF] = useState(initialForm);
  const set =
    <K extends keyof Form>(k: K) =>
    (v: Form[K]) =>
      setF((old) => ({ ...old, [k]: v }));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setFormError(null);
    setTask(null);
    const parsed = (kind === 'ct' ? CreateContainer : CreateVm).safeParse(toBody(kind, f));
    if (!parsed.success) {
      setErrors(issuesByField(parsed.error.issues));
      setFormError('Some fields need attention.');
      return;
    }
    setErrors({});
    const wantStart = startAfter;
    create.mutate(
      {
        body: parsed.data,
        hostId: f.hostId || undefined,
        cb: {
          onProgress: setTask,
          onFailure: setTask,
          onSuccess: (t) => {
            setTask(t);
            if (!t.instanceId) return router.push('/instances/');
            if (wantStart) start.mutate({ id: t.instanceId, action: 'start' });
            router.push(`/instances/view/?id=${t.instanceId}`);
          },
        },
      },
      {
        onError: (err) => {
          if (isApiError(err) && err.issues.length) setErrors(issuesByField(err.issues));
          setFormError(errorText(err));
        },
      },
    );
  };

  const ctTemplates = templates.data?.filter((t) => t.kind === 'ct') ?? [];
  const vmTemplates = templates.data?.filter((t) => t.kind === 'vm') ?? [];
  const finished = task?.status === 'failed' || task?.status === 'succeeded';
  const busy = create.isPending || (task !== null && !finished);
  const err = (k: string) => errors[k];
  const other = kind === 'vm' ? 'ct' : 'vm';

  return (
    <>
      <PageHeader
        title={kind === 'vm' ? 'New virtual machine' : 'New container'}
        description={
          <>
            Or create a{' '}
            <Link className="link" href={`/instances/new/?kind=${other}`}>
              {other === 'vm' ? 'virtual machine' : 'container'}
            </Link>{' '}
            instead.
          </>
        }
      />
      <form
        onSubmit={submit}
        noValidate
        className="max-w-4xl space-y-5"
        aria-label={kind === 'vm' ? 'New virtual machine' : 'New container'}
      >
        {formError && (
          <div
            role="alert"
            className="rounded-lg border border-red-300 bg-red-50 p-3 text-sm text-red-900 dark:border-red-800 dark:bg-red-950/40 dark:text-red-100"
          >
            <p>{formError}</p>
            {errors['(root)'] && <p>{errors['(root)']}</p>}
          </div>
        )}

        <Section title="General">
          <Field label="Name" error={err('name')} hint="Letters, digits and dashes">
            {(a) => (
              <input
                {...a}
                className="input"
                value={f.name}
                onChange={(e) => set('name')(e.target.value)}
                autoComplete="off"
              />
            )}
          </Field>
          {(hosts.data?.length ?? 0) > 1 && (
            <Field label="Host">
              {(a) => (
                <select
                  {...a}
                  className="input"
                  value={f.hostId}
                  onChange={(e) => set('hostId')(e.target.value)}
                >
                  <option value="">Default host</option>
                  {hosts.data!.map((h) => (
                    <option key={h.id} value={h.id}>
                      {h.name}
                    </option>
                  ))}
                </select>
              )}
            </Field>
          )}
          {kind === 'ct' ? (
            <>
              <Field
                label="Template"
                error={err('template')}
                hint={
                  templates.isPending ? 'Loading templates…' : 'Built on first use when not cached'
                }
              >
                {(a) => (
                  <select
                    {...a}
                    className="input"
                    value={f.template}
                    onChange={(e) => set('template')(e.target.value)}
                  >
                    {(ctTemplates.length ? ctTemplates : [{ name: 'busybox', cached: true }]).map(
                      (t) => (
                        <option key={t.name} value={t.name}>
                          {t.name}
                          {t.cached ? '' : ' (built on first use)'}
                        </option>
                      ),
                    )}
                  </select>
                )}
              </Field>
              <Field label="CT ID" error={err('ctid')} hint="Empty for the next free one">
                {(a) => (
                  <input
                    {...a}
                    className="input"
                    inputMode="numeric"
                    value={f.ctid}
                    onChange={(e) => set('ctid')(e.target.value)}
                    placeholder="auto"
                  />
                )}
              </Field>
              <Field label="Hostname" error={err('hostname')} hint="Defaults to the name">
                {(a) => (
                  <input
                    {...a}
                    className="input"
                    value={f.hostname}
                    onChange={(e) => set('hostname')(e.target.value)}
                    autoComplete="off"
                  />
                )}
              </Field>
              <Field
                label="Root password"
                error={err('rootPassword')}
                hint="Optional; at least 8 characters"
              >
                {(a) => (
                  <input
                    {...a}
                    type="password"
                    className="input"
                    value={f.rootPassword}
                    onChange={(e) => set('rootPassword')(e.target.value)}
                    autoComplete="new-password"
                  />
                )}
              </Field>
            </>
          ) : (
            <>
              <Field label="CPUs" error={err('vcpus')}>
                {(a) => (
                  <input
                    {...a}
                    className="input"
                    type="number"
                    min={1}
                    max={64}
                    value={f.vcpus}
                    onChange={(e) => set('vcpus')(e.target.value)}
                  />
                )}
              </Field>
              <Field label="Memory (MiB)" error={err('memoryMiB')}>
                {(a) => (
                  <input
                    {...a}
                    className="input"
                    type="number"
                    min={32}
                    step={32}
                    value={f.memoryMiB}
                    onChange={(e) => set('memoryMiB')(e.target.value)}
                  />
                )}
              </Field>
            </>
          )}
        </Section>

        {kind === 'ct' ? (
          <>
            <Section title="Network">
              <Field
                label="IPv4 address"
                error={err('ipv4')}
                hint="address/prefix like 10.210.0.50/24; empty for the next free one"
              >
                {(a) => (
                  <input
                    {...a}
                    className="input"
                    value={f.ipv4}
                    onChange={(e) => set('ipv4')(e.target.value)}
                    placeholder="auto"
                  />
                )}
              </Field>
              <Field label="Gateway" error={err('gateway')} hint="Optional">
                {(a) => (
                  <input
                    {...a}
                    className="input"
                    value={f.gateway}
                    onChange={(e) => set('gateway')(e.target.value)}
                  />
                )}
              </Field>
              <Field label="DNS servers" error={err('dns')} hint="Up to 3, separated by commas">
                {(a) => (
                  <input
                    {...a}
                    className="input"
                    value={f.dns}
                    onChange={(e) => set('dns')(e.target.value)}
                  />
                )}
              </Field>
            </Section>
            <Section title="Storage">
              <Field label="Disk size (MiB)" error={err('diskSizeMiB')}>
                {(a) => (
                  <input
                    {...a}
                    className="input"
                    type="number"
                    min={16}
                    value={f.diskSizeMiB}
                    onChange={(e) => set('diskSizeMiB')(e.target.value)}
                  />
                )}
              </Field>
            </Section>
          </>
        ) : (
          <>
            <Section title="Disk and boot">
              <Field label="Disk" error={f.diskSource === 'none' ? err('disks') : undefined}>
                {(a) => (
                  <select
                    {...a}
                    className="input"
                    value={f.diskSource}
                    onChange={(e) => set('diskSource')(e.target.value as Form['diskSource'])}
                  >
                    <option value="template">From a template</option>
                    <option value="empty">New empty disk</option>
                    <option value="none">No disk</option>
                  </select>
                )}
              </Field>
              {f.diskSource === 'template' && (
                <>
                  <Field
                    label="VM template"
                    hint={
                      vmTemplates.find((t) => t.name === f.vmTemplate)?.cached === false
                        ? 'Not built yet: build it on the Templates page'
                        : undefined
                    }
                  >
                    {(a) => (
                      <select
                        {...a}
                        className="input"
                        value={f.vmTemplate}
                        onChange={(e) => set('vmTemplate')(e.target.value)}
                      >
                        {(vmTemplates.length
                          ? vmTemplates
                          : [{ name: 'tiny-linux', cached: true }]
                        ).map((t) => (
                          <option key={t.name} value={t.name}>
                            {t.name}
                            {t.cached ? '' : ' (not built yet)'}
                          </option>
                        ))}
                      </select>
                    )}
                  </Field>
                  <Field label="Clone">
                    {(a) => (
                      <select
                        {...a}
                        className="input"
                        value={f.clone}
                        onChange={(e) => set('clone')(e.target.value as Form['clone'])}
                      >
                        <option value="linked">Linked clone (fast, shares the base)</option>
                        <option value="copy">Full copy</option>
                      </select>
                    )}
                  </Field>
                </>
              )}
              {f.diskSource !== 'none' && (
                <Field
                  label="Disk size (MiB)"
                  hint={
                    f.diskSource === 'template' ? "Optional: grow the template's disk" : undefined
                  }
                  error={err('disks')}
                >
                  {(a) => (
                    <input
                      {...a}
                      className="input"
                      type="number"
                      min={16}
                      value={f.vmDiskMiB}
                      onChange={(e) => set('vmDiskMiB')(e.target.value)}
                    />
                  )}
                </Field>
              )}
              <Field
                label="CD-ROM (ISO)"
                error={err('cdrom')}
                hint={isos.data?.length === 0 ? 'The ISO store is empty' : undefined}
              >
                {(a) => (
                  <select
                    {...a}
                    className="input"
                    value={f.cdrom}
                    onChange={(e) => set('cdrom')(e.target.value)}
                  >
                    <option value="">None</option>
                    {isos.data?.map((i) => (
                      <option key={i.name} value={i.name}>
                        {i.name}
                      </option>
                    ))}
                  </select>
                )}
              </Field>
              <Field label="Boot order" error={err('boot')}>
                {(a) => (
                  <select
                    {...a}
                    className="input"
                    value={f.boot}
                    onChange={(e) => set('boot')(e.target.value as Form['boot'])}
                  >
                    {Object.entries(BOOT_ORDERS).map(([v, t]) => (
                      <option key={v} value={v}>
                        {t}
                      </option>
                    ))}
                  </select>
                )}
              </Field>
            </Section>
            <Section title="Network">
              <div className="sm:col-span-2">
                <Checkbox
                  label="Attach to the default network"
                  hint="A tap on the host bridge; the address comes by DHCP"
                  checked={f.network}
                  onChange={set('network')}
                />
                {err('nics') && <p className="field-error">{err('nics')}</p>}
              </div>
            </Section>
          </>
        )}

        <Section title="Options">
          <Field label="Tags" error={err('tags')} hint="Separated by commas">
            {(a) => (
              <input
                {...a}
                className="input"
                value={f.tags}
                onChange={(e) => set('tags')(e.target.value)}
              />
            )}
          </Field>
          <Field label="Description" error={err('description')}>
            {(a) => (
              <textarea
                {...a}
                className="input"
                rows={2}
                value={f.description}
                onChange={(e) => set('description')(e.target.value)}
              />
            )}
          </Field>
          <Checkbox
            label="Start at boot"
            hint="Start when the host starts"
            checked={f.onboot}
            onChange={set('onboot')}
          />
          <Checkbox label="Start after creating" checked={startAfter} onChange={setStartAfter} />
        </Section>

        {task && (
          <div className="card p-4" aria-live="polite">
            <p className="text-sm font-medium">
              {task.status === 'failed'
                ? 'Creation failed'
                : task.status === 'succeeded'
                  ? 'Created'
                  : 'Creating…'}
            </p>
            {task.status !== 'failed' && (
              <ProgressBar className="mt-2" value={task.progress} label="Creation progress" />
            )}
            {task.message && <p className="mt-1 text-sm text-muted">{task.message}</p>}
            {task.error && (
              <p className="mt-1 text-sm text-red-700 dark:text-red-300">{task.error.message}</p>
            )}
          </div>
        )}

        <div className="flex gap-2">
          <Button type="submit" variant="primary" busy={busy}>
            {kind === 'vm' ? 'Create VM' : 'Create container'}
          </Button>
          <Link href="/instances/" className="btn-link">
            Cancel
          </Link>
        </div>
      </form>
      {templates.isError && (
        <div className="mt-4 max-w-4xl">
          <ErrorState title="Templates could not be loaded" error={templates.error} />
        </div>
      )}
    </>
  );
}

export default function NewInstancePage() {
  return (
    <Suspense fallback={<LoadingState />}>
      <Wizard />
    </Suspense>
  );
}
