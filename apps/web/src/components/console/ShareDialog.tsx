'use client';
import { useState, type FormEvent } from 'react';
import type { ConsoleKind, CreatedShareLink, ShareLink } from '@berth/contracts';
import { useCreateShareLink, useRevokeShareLink, useShareLinks } from '@/queries/useConsoles';
import { formatDate, formatRelative } from '@/lib/format';
import { saveErrors } from '@/lib/formErrors';
import { Button } from '@/components/ui/Button';
import { ConfirmDialog } from '@/components/ui/ConfirmDialog';
import { Field } from '@/components/ui/Field';
import { Modal } from '@/components/ui/Modal';
import { ErrorState, LoadingState } from '@/components/ui/States';
import { errorText } from '@/lib/errorText';
import { toast } from '@/lib/toast';
import { TableHead } from '@/components/ui/TableHead';
import { FormError } from '@/components/ui/FormError';

/** What a link opens: one console of the instance. */
export interface ShareTarget {
  kind: ConsoleKind;
  shellId?: string;
  /** How the user knows it, e.g. "Screen" or "Shell 2". */
  label: string;
}

const kindText: Record<ConsoleKind, string> = { vnc: 'Screen', serial: 'Serial', shell: 'Shell' };
const MAX_MINUTES = 7 * 24 * 60;

function linkState(l: ShareLink, now: number): 'active' | 'expired' | 'revoked' {
  if (l.revokedAt) return 'revoked';
  return new Date(l.expiresAt).getTime() <= now ? 'expired' : 'active';
}

/** The toolbar button that opens the share dialog for one console. */
export function ShareButton(props: Omit<Parameters<typeof ShareDialog>[0], 'onClose'>) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button size="sm" onClick={() => setOpen(true)}>
        Share…
      </Button>
      {open && <ShareDialog {...props} onClose={() => setOpen(false)} />}
    </>
  );
}

/**
 * Share one console by link: create a view-only or interactive link that expires, see its
 * URL once, and list and revoke this instance's links.
 */
export function ShareDialog({
  instanceId,
  instanceName,
  target,
  onClose,
}: {
  instanceId: string;
  instanceName: string;
  target: ShareTarget;
  onClose: () => void;
}) {
  const create = useCreateShareLink(instanceId);
  const [mode, setMode] = useState<'view' | 'interactive'>('view');
  const [minutes, setMinutes] = useState('60');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [created, setCreated] = useState<CreatedShareLink | null>(null);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const n = Number(minutes);
    if (!Number.isInteger(n) || n < 1 || n > MAX_MINUTES) {
      setErrors({ expiresInMinutes: `Whole minutes from 1 to ${MAX_MINUTES} (7 days)` });
      return;
    }
    create.mutate(
      { kind: target.kind, shellId: target.shellId, mode, expiresInMinutes: n },
      {
        onSuccess: (link) => {
          setErrors({});
          setCreated(link);
        },
        onError: (err) => setErrors(saveErrors(err)),
      },
    );
  };

  return (
    <Modal title={`Share the console of ${instanceName}`} onClose={onClose} wide>
      <div className="space-y-5">
        {created ? (
          <CreatedLink link={created} onAnother={() => setCreated(null)} />
        ) : (
          <form onSubmit={submit} className="space-y-4" noValidate>
            <p className="text-sm text-muted">
              Anyone with the link can open <strong className="text-fg">{target.label}</strong>{' '}
              without logging in, until it expires or you revoke it.
            </p>
            <fieldset>
              <legend className="label">Access</legend>
              <div className="flex flex-wrap gap-4 text-sm">
                {(
                  [
                    ['view', 'View only'],
                    ['interactive', 'Interactive (keyboard and mouse)'],
                  ] as const
                ).map(([v, text]) => (
                  <label key={v} className="flex items-center gap-2">
                    <input
                      type="radio"
                      name="share-mode"
                      value={v}
                      checked={mode === v}
                      onChange={() => setMode(v)}
                      className="accent-sky-700"
                    />
                    {text}
                  </label>
                ))}
              </div>
            </fieldset>
            <Field
              label="Expires after (minutes)"
              hint="Up to 10080 minutes (7 days)"
              error={errors.expiresInMinutes}
            >
              {(a) => (
                <input
                  {...a}
                  type="number"
                  min={1}
                  max={MAX_MINUTES}
                  className="input max-w-40"
                  value={minutes}
                  onChange={(e) => setMinutes(e.target.value)}
                />
              )}
            </Field>
            <FormError message={errors['(root)'] ?? errors.kind ?? errors.shellId} />
            <div className="flex justify-end">
              <Button type="submit" variant="primary" busy={create.isPending}>
                Create link
              </Button>
            </div>
          </form>
        )}
        <LinkList instanceId={instanceId} />
      </div>
    </Modal>
  );
}

function CreatedLink({ link, onAnother }: { link: CreatedShareLink; onAnother: () => void }) {
  const url = new URL(link.url, window.location.origin).toString();
  const copy = () =>
    navigator.clipboard.writeText(url).then(
      () => toast({ tone: 'success', title: 'Link copied' }),
      () => toast({ tone: 'error', title: 'Copy failed: select the link and copy it yourself' }),
    );
  return (
    <div className="space-y-3">
      <div
        role="status"
        className="rounded-md border border-emerald-300 bg-emerald-50 p-3 text-sm text-emerald-900 dark:border-emerald-800 dark:bg-emerald-950/40 dark:text-emerald-100"
      >
        Link created. It is shown only now: copy it before you close this dialog.
      </div>
      <Field
        label="Share link"
        hint={`${link.mode === 'view' ? 'View only' : 'Interactive'}, expires ${formatDate(link.expiresAt)}`}
      >
        {(a) => (
          <div className="flex gap-2">
            <input
              {...a}
              readOnly
              className="input font-mono text-xs"
              value={url}
              onFocus={(e) => e.target.select()}
            />
            <Button variant="primary" onClick={() => void copy()}>
              Copy link
            </Button>
          </div>
        )}
      </Field>
      <Button size="sm" variant="ghost" onClick={onAnother}>
        Create another link
      </Button>
    </div>
  );
}

function LinkList({ instanceId }: { instanceId: string }) {
  const links = useShareLinks(instanceId);
  const revoke = useRevokeShareLink(instanceId);
  const [confirm, setConfirm] = useState<ShareLink | null>(null);
  const now = Date.now();

  return (
    <section className="border-t border-line pt-4">
      <h3 id="share-links" className="mb-2 font-semibold">
        Links to this instance
      </h3>
      {links.isPending ? (
        <LoadingState label="Loading links…" />
      ) : links.isError ? (
        <ErrorState error={links.error} onRetry={() => void links.refetch()} />
      ) : links.data.length === 0 ? (
        <p className="text-sm text-muted">No links yet.</p>
      ) : (
        <div
          className="max-h-64 overflow-auto"
          role="region"
          aria-labelledby="share-links"
          tabIndex={0}
        >
          <table className="table-base">
            <TableHead
              columns={[
                { label: 'Console' },
                { label: 'Access' },
                { label: 'Uses' },
                { label: 'Last used', className: 'hidden sm:table-cell' },
                { label: 'Expires' },
              ]}
            />
            <tbody>
              {[...links.data]
                .sort((a, b) => b.createdAt.localeCompare(a.createdAt))
                .map((l) => {
                  const state = linkState(l, now);
                  return (
                    <tr key={l.id} className={state === 'active' ? '' : 'text-muted'}>
                      <td>{kindText[l.kind]}</td>
                      <td>{l.mode === 'view' ? 'View only' : 'Interactive'}</td>
                      <td className="tabular-nums">{l.uses}</td>
                      <td className="hidden sm:table-cell" title={formatDate(l.lastUsedAt)}>
                        {l.lastUsedAt ? formatRelative(l.lastUsedAt, now) : 'never'}
                      </td>
                      <td title={formatDate(l.expiresAt)}>
                        {state === 'active' ? formatRelative(l.expiresAt, now) : state}
                      </td>
                      <td className="text-right">
                        {state === 'active' && (
                          <Button
                            size="sm"
                            variant="ghost"
                            aria-label={`Revoke the ${kindText[l.kind].toLowerCase()} link created ${formatDate(l.createdAt)}`}
                            onClick={() => setConfirm(l)}
                          >
                            Revoke
                          </Button>
                        )}
                      </td>
                    </tr>
                  );
                })}
            </tbody>
          </table>
        </div>
      )}
      {confirm && (
        <ConfirmDialog
          title="Revoke this link?"
          confirmLabel="Revoke"
          danger
          busy={revoke.isPending}
          onCancel={() => setConfirm(null)}
          onConfirm={() =>
            revoke.mutate(confirm.id, {
              onSuccess: () => setConfirm(null),
              onError: (e) => {
                setConfirm(null);
                toast({ tone: 'error', title: 'Cannot revoke the link', body: errorText(e) });
              },
            })
          }
        >
          Whoever has the link can no longer open the console with it.
        </ConfirmDialog>
      )}
    </section>
  );
}
