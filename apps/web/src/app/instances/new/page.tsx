'use client';
import Link from 'next/link';
import { useRouter, useSearchParams } from 'next/navigation';
import { Suspense, useState, type FormEvent } from 'react';
import { CreateContainer, CreateVm, type Task } from '@berth/contracts';
import { isApiError } from '@/api/http';
import { useCreateInstance, useInstanceAction } from '@/queries/useInstances';
import { useTemplates } from '@/queries/useTemplates';
import { useHosts } from '@/queries/useHosts';
import { initialForm, toBody } from '@/lib/createForm';
import { errorText } from '@/lib/errorText';
import { issuesByField } from '@/lib/formErrors';
import {
  limitErrors,
  limitTextErrors,
  limitsFor,
  textToLimits,
  type LimitsText,
} from '@/lib/limitsForm';
import { Button } from '@/components/ui/Button';
import { Checkbox } from '@/components/ui/Field';
import { InputField, SelectField, TextAreaField, useFormBinding } from '@/components/ui/BoundField';
import { ContainerBasics, ContainerSections } from '@/components/instances/create/ContainerFields';
import { VmBasics, VmSections } from '@/components/instances/create/VmFields';
import { Section } from '@/components/instances/create/Section';
import { SampleLimits } from '@/components/instances/create/SampleLimits';
import { ProgressBar } from '@/components/ui/ProgressBar';
import { ErrorState, LoadingState, PageHeader } from '@/components/ui/States';

function Wizard() {
  const params = useSearchParams();
  const router = useRouter();
  const kind = params.get('kind') === 'vm' ? 'vm' : 'ct';
  const templates = useTemplates();
  const hosts = useHosts();
  const create = useCreateInstance();
  const start = useInstanceAction();
  const [task, setTask] = useState<Task | null>(null);
  const [startAfter, setStartAfter] = useState(true);
  const form = useFormBinding(initialForm);
  const { values: f, errors, setErrors } = form;
  const [formError, setFormError] = useState<string | null>(null);
  const [limits, setLimits] = useState<LimitsText>({});
  const [limitErrs, setLimitErrs] = useState<Record<string, string>>({});

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setFormError(null);
    setTask(null);
    const chosen = limitsFor(kind, textToLimits(limits));
    const body = { ...toBody(kind, f), limits: Object.keys(chosen).length ? chosen : undefined };
    const parsed = (kind === 'ct' ? CreateContainer : CreateVm).safeParse(body);
    setLimitErrs({
      ...limitErrors(parsed.error?.issues.filter((i) => i.path[0] === 'limits') ?? []),
      ...limitTextErrors(limits),
    });
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
          if (isApiError(err) && err.issues.length) {
            setErrors(issuesByField(err.issues));
            setLimitErrs(limitErrors(err.issues.filter((i) => i.path.startsWith('limits.'))));
          }
          setFormError(errorText(err));
        },
      },
    );
  };

  const finished = task?.status === 'failed' || task?.status === 'succeeded';
  const busy = create.isPending || (task !== null && !finished);
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
          <InputField
            form={form}
            name="name"
            label="Name"
            hint="Letters, digits and dashes"
            autoComplete="off"
          />
          {(hosts.data?.length ?? 0) > 1 && (
            <SelectField form={form} name="hostId" label="Host">
              <option value="">Default host</option>
              {hosts.data!.map((h) => (
                <option key={h.id} value={h.id}>
                  {h.name}
                </option>
              ))}
            </SelectField>
          )}
          {kind === 'ct' ? <ContainerBasics form={form} /> : <VmBasics form={form} />}
        </Section>

        {kind === 'ct' ? <ContainerSections form={form} /> : <VmSections form={form} />}

        <SampleLimits
          kind={kind}
          form={form}
          limits={limits}
          onLimits={setLimits}
          errors={limitErrs}
        />

        <Section title="Options">
          <InputField form={form} name="tags" label="Tags" hint="Separated by commas" />
          <TextAreaField form={form} name="description" label="Description" rows={2} />
          <Checkbox
            label="Start at boot"
            hint="Start when the host starts"
            checked={f.onboot}
            onChange={(v) => form.set('onboot', v)}
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
