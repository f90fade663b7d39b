'use client';
import { useState, type ChangeEvent, type FormEvent } from 'react';
import type { LicenseView } from '@berth/contracts';
import { Button } from '@/components/ui/Button';
import { ConfirmDialog } from '@/components/ui/ConfirmDialog';
import { UsageBar } from '@/components/ui/ProgressBar';
import { errorText } from '@/lib/errorText';
import { formatDate } from '@/lib/format';
import { toast } from '@/lib/toast';
import { useInstallLicense, useRemoveLicense, useTransferLicense } from '@/queries/useLicenses';

const tones: Record<string, string> = {
  valid: 'bg-emerald-100 text-emerald-800 dark:bg-emerald-900/50 dark:text-emerald-200',
  grace: 'bg-amber-100 text-amber-900 dark:bg-amber-900/50 dark:text-amber-200',
  free: 'bg-slate-200 text-slate-800 dark:bg-slate-700 dark:text-slate-100',
  bad: 'bg-red-100 text-red-800 dark:bg-red-900/50 dark:text-red-200',
};
const words: Record<string, string> = {
  valid: 'valid',
  grace: 'in grace',
  expired: 'expired',
  'invalid-signature': 'invalid signature',
  'unknown-key': 'unknown key',
  moved: 'moved to another host',
};

function Badge({ tone, children }: { tone: keyof typeof tones; children: string }) {
  return (
    <span className={`rounded px-2 py-0.5 text-xs font-medium ${tones[tone]}`}>{children}</span>
  );
}

/** The status badges: the license's own state, then "over limit" when use exceeds it. */
export function LicenseStatus({ view }: { view: LicenseView }) {
  const state = view.state;
  return (
    <span className="flex flex-wrap gap-1" data-testid="license-status">
      {state === null ? (
        <Badge tone="free">free edition</Badge>
      ) : (
        <Badge tone={state === 'valid' ? 'valid' : state === 'grace' ? 'grace' : 'bad'}>
          {words[state] ?? state}
        </Badge>
      )}
      {view.overLimit.length > 0 && <Badge tone="bad">over limit</Badge>}
    </span>
  );
}

function Limit({ label, used, limit }: { label: string; used: number; limit: number }) {
  return (
    <div className="space-y-1">
      <div className="flex justify-between text-sm">
        <span>{label}</span>
        <span className={used > limit ? 'font-semibold text-red-700 dark:text-red-300' : ''}>
          {used} of {limit}
        </span>
      </div>
      <UsageBar used={used} total={limit} label={`${label}: ${used} of ${limit}`} />
    </div>
  );
}

/** Paste or pick a license file; installing over one replaces it (an update). */
function InstallForm({
  hostId,
  replacing,
  onDone,
}: {
  hostId: string | null;
  replacing: boolean;
  onDone: () => void;
}) {
  const install = useInstallLicense();
  const [text, setText] = useState('');
  const id = `license-text-${hostId ?? 'console'}`;
  const pick = async (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    if (file) setText(await file.text());
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    install.mutate(
      { hostId, body: { license: text.trim() } },
      {
        onSuccess: () => {
          toast({ tone: 'success', title: replacing ? 'License updated' : 'License installed' });
          onDone();
        },
        onError: (err) =>
          toast({ tone: 'error', title: 'The license was not installed', body: errorText(err) }),
      },
    );
  };
  return (
    <form onSubmit={submit} className="space-y-2">
      <label htmlFor={id} className="label">
        License file (paste its text or choose the file)
      </label>
      <textarea
        id={id}
        className="input h-28 w-full font-mono text-xs"
        value={text}
        onChange={(e) => setText(e.target.value)}
        placeholder='{"payload":{…},"signature":"…"}'
      />
      <div className="flex flex-wrap items-center gap-2">
        <input
          type="file"
          accept=".lic,.json,text/plain"
          aria-label="License file"
          onChange={pick}
        />
        <Button
          type="submit"
          variant="primary"
          size="sm"
          busy={install.isPending}
          disabled={!text.trim()}
        >
          {replacing ? 'Update' : 'Install'}
        </Button>
        <Button type="button" size="sm" variant="ghost" onClick={onDone}>
          Cancel
        </Button>
      </div>
    </form>
  );
}

/** One scope's license: status, limits against use, days left, and what a manager may do. */
export function LicenseCard({
  view,
  title,
  manage,
  otherHosts,
}: {
  view: LicenseView;
  title: string;
  /** Why managing is refused (needs license.manage), or null. */
  manage: string | null;
  /** Where this host's own license could be transferred to. */
  otherHosts: Array<{ id: string; name: string }>;
}) {
  const [installing, setInstalling] = useState(false);
  const [removing, setRemoving] = useState(false);
  const [target, setTarget] = useState('');
  const remove = useRemoveLicense();
  const transfer = useTransferLicense();
  // A host shows the console's license when it has none of its own: only its own is managed here.
  const own = view.license !== null && (view.hostId === null || view.license.scope === 'host');
  const lic = view.license;
  const slug = view.hostId ?? 'console';
  const doTransfer = () => {
    if (!view.hostId || !target) return;
    transfer.mutate(
      { hostId: view.hostId, body: { toHostId: target } },
      {
        onSuccess: () => toast({ tone: 'success', title: 'License transferred' }),
        onError: (err) =>
          toast({ tone: 'error', title: 'The license was not transferred', body: errorText(err) }),
      },
    );
  };
  return (
    <section className="card space-y-3 p-4" aria-labelledby={`license-${slug}`}>
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h2 id={`license-${slug}`} className="font-semibold">
          {title}
        </h2>
        <LicenseStatus view={view} />
      </div>
      <p className="text-sm">
        {lic ? (
          <>
            {lic.edition} edition for {lic.licensee} · key {lic.keyId} · expires{' '}
            {formatDate(lic.expiresAt)}
            {view.daysLeft !== null && (
              <>
                {' '}
                · <strong>{view.daysLeft} days left</strong>
                {view.state === 'grace' && ' of the grace period'}
              </>
            )}
          </>
        ) : (
          'No license: the free edition’s limits apply.'
        )}
      </p>
      {view.hostId !== null && (
        <p className="text-sm text-muted">
          Limits from{' '}
          {view.source === 'host'
            ? 'this host’s license'
            : view.source === 'console'
              ? 'the console-wide license'
              : 'the free edition'}
          .
        </p>
      )}
      {view.unreachable ? (
        <p className="text-sm text-muted">The host does not answer: its use is unknown.</p>
      ) : (
        <div className="grid gap-3 sm:grid-cols-2">
          <Limit
            label="Running containers"
            used={view.usage.runningContainers}
            limit={view.limits.runningContainers}
          />
          <Limit label="Running VMs" used={view.usage.runningVms} limit={view.limits.runningVms} />
          <Limit label="Hosts" used={view.usage.hosts} limit={view.limits.hosts} />
          <Limit
            label={view.hostId ? 'Cores' : 'Cores (largest host)'}
            used={view.usage.cores}
            limit={view.limits.coresPerHost}
          />
        </div>
      )}
      {view.overLimit.length > 0 && (
        <p className="text-sm text-red-700 dark:text-red-300">
          Over the limit: {view.overLimit.join('; ')}. Nothing running is stopped; new starts beyond
          it are refused.
        </p>
      )}
      {installing ? (
        <InstallForm hostId={view.hostId} replacing={own} onDone={() => setInstalling(false)} />
      ) : (
        <div className="flex flex-wrap items-end gap-2">
          <Button size="sm" disabledReason={manage} onClick={() => setInstalling(true)}>
            {own ? 'Update license' : 'Install license'}
          </Button>
          {own && (
            <Button
              size="sm"
              variant="danger"
              disabledReason={manage}
              onClick={() => setRemoving(true)}
            >
              Remove
            </Button>
          )}
          {own && view.hostId !== null && otherHosts.length > 0 && (
            <>
              <div>
                <label htmlFor={`transfer-${slug}`} className="label">
                  Transfer to
                </label>
                <select
                  id={`transfer-${slug}`}
                  className="input"
                  value={target}
                  onChange={(e) => setTarget(e.target.value)}
                >
                  <option value="">choose a host</option>
                  {otherHosts.map((h) => (
                    <option key={h.id} value={h.id}>
                      {h.name}
                    </option>
                  ))}
                </select>
              </div>
              <Button
                size="sm"
                disabledReason={manage ?? (target ? null : 'choose a host')}
                busy={transfer.isPending}
                onClick={doTransfer}
              >
                Transfer
              </Button>
            </>
          )}
        </div>
      )}
      {removing && (
        <ConfirmDialog
          title={`Remove the license of ${title}?`}
          confirmLabel="Remove"
          danger
          busy={remove.isPending}
          onCancel={() => setRemoving(false)}
          onConfirm={() =>
            remove.mutate(view.hostId, {
              onSuccess: () => toast({ tone: 'success', title: 'License removed' }),
              onError: (err) =>
                toast({
                  tone: 'error',
                  title: 'The license was not removed',
                  body: errorText(err),
                }),
              onSettled: () => setRemoving(false),
            })
          }
        >
          Running instances keep running; starts beyond the limits that apply then are refused.
        </ConfirmDialog>
      )}
    </section>
  );
}
