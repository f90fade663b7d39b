'use client';
import { useEffect, useState, type FormEvent } from 'react';
import { LIMIT_APPLY, type Instance, type LimitPath, type LimitsPatch } from '@berth/contracts';
import { isApiError } from '@/api/http';
import { FormActions } from '@/components/ui/FormActions';
import { can } from '@/lib/can';
import { errorText } from '@/lib/errorText';
import { fieldsFor, limitAt, limitErrors, limitsToText, type LimitsText } from '@/lib/limitsForm';
import { toast } from '@/lib/toast';
import { useMe } from '@/queries/useAuth';
import { useUpdateInstance } from '@/queries/useInstances';

const WHEN: Record<string, string> = {
  live: 'live',
  'next-start': 'next start',
  create: 'at create',
};

/**
 * An instance's resource limits: what is configured (editable with instance.configure), what
 * the kernel or QEMU enforces now beside it, and when each field takes effect. A field whose
 * value in force differs is flagged (a VM's vCPUs before its restart, say).
 */
export function LimitsSection({ instance: i }: { instance: Instance }) {
  const me = useMe().data;
  const update = useUpdateInstance(i.id);
  const editable = can(me, 'instance.configure', { hostId: i.hostId, tags: i.tags });
  const [text, setText] = useState<LimitsText>(() => limitsToText(i.limits));
  const [dirty, setDirty] = useState(false);
  const [errors, setErrors] = useState<Record<string, string>>({});
  useEffect(() => {
    if (!dirty) setText(limitsToText(i.limits));
  }, [i.limits, dirty]);
  const fields = fieldsFor(i.kind);
  const differ = new Set(i.limitsDiffer);
  const configured = limitsToText(i.limits);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    // Only what changed: a cleared field is null (the limit lifted), junk goes as NaN for the
    // API to name.
    const patch: Record<string, Record<string, unknown> | unknown> = {};
    for (const { path, text: isText } of fields) {
      const now = text[path]?.trim() ?? '';
      if (now === (configured[path] ?? '')) continue;
      const value = now === '' ? null : isText ? now : Number(now);
      const [group, field] = path.split('.') as [string, string | undefined];
      if (field === undefined) patch[group] = value;
      else patch[group] = { ...(patch[group] as object | undefined), [field]: value };
    }
    update.mutate(
      { limits: patch as LimitsPatch },
      {
        onSuccess: () => {
          setErrors({});
          setDirty(false);
          toast({ tone: 'success', title: `Saved the limits of ${i.name}` });
        },
        onError: (err) =>
          setErrors(
            isApiError(err) && err.issues.length
              ? limitErrors(err.issues)
              : { '(root)': errorText(err) },
          ),
      },
    );
  };

  return (
    <form onSubmit={submit} aria-labelledby="limits-h" className="card space-y-4 p-4" noValidate>
      <div>
        <h2 id="limits-h" className="font-semibold">
          Limits
        </h2>
        <p className="mt-1 text-sm text-muted">
          Empty means unlimited. “In force” is read back from{' '}
          {i.kind === 'ct' ? 'the kernel’s cgroups' : 'QEMU and its cgroup'}
          {i.effectiveLimits ? '' : ' while the instance runs'}.
        </p>
      </div>
      <table className="w-full text-sm">
        <thead className="text-left text-muted">
          <tr>
            <th className="py-1 font-normal">Limit</th>
            <th className="py-1 font-normal">Configured</th>
            <th className="py-1 font-normal">In force</th>
            <th className="py-1 font-normal">Applies</th>
          </tr>
        </thead>
        <tbody>
          {fields.map(({ path, label, hint, text: isText }) => {
            const id = `limit-${path}`;
            const when = LIMIT_APPLY[i.kind][path as LimitPath];
            const effective = i.effectiveLimits ? limitAt(i.effectiveLimits, path) : undefined;
            const error = errors[path];
            const readOnly = !editable || when === 'create';
            return (
              <tr key={path} className="border-t border-border align-top">
                <td className="py-2 pr-3">
                  <label htmlFor={id}>{label}</label>
                  <div className="text-xs text-muted">{hint}</div>
                </td>
                <td className="py-2 pr-3">
                  <input
                    id={id}
                    className={`input w-40 ${isText ? 'font-mono' : ''}`}
                    inputMode={isText ? 'text' : 'numeric'}
                    value={text[path] ?? ''}
                    placeholder="unlimited"
                    readOnly={readOnly}
                    aria-invalid={error ? true : undefined}
                    aria-describedby={error ? `${id}-err` : undefined}
                    onChange={(e) => {
                      setDirty(true);
                      setText((t) => ({ ...t, [path]: e.target.value }));
                    }}
                  />
                  {error && (
                    <div id={`${id}-err`} className="mt-1 text-xs text-red-600">
                      {error}
                    </div>
                  )}
                </td>
                <td className="py-2 pr-3 font-mono" data-testid={`effective-${path}`}>
                  {/* Fields set at create (inodes) are not read back. */}
                  {i.effectiveLimits && when !== 'create' ? (effective ?? 'unlimited') : '—'}
                  {differ.has(path) && (
                    <span
                      className="ml-2 rounded bg-amber-100 px-1.5 py-0.5 font-sans text-xs text-amber-900"
                      title="The value in force is not the configured one"
                    >
                      differs
                    </span>
                  )}
                </td>
                <td className="py-2 text-muted">{WHEN[when] ?? when}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {editable && (
        <FormActions
          rootError={errors['(root)']}
          busy={update.isPending}
          dirty={dirty}
          saveLabel="Save limits"
          onDiscard={() => {
            setDirty(false);
            setErrors({});
            setText(limitsToText(i.limits));
          }}
        />
      )}
    </form>
  );
}
