'use client';
import { useRef, useState, type FormEvent } from 'react';
import type { Iso, IsoStoreUsage } from '@berth/contracts';
import {
  useDeleteIso,
  useIsoStore,
  useIsos,
  useSetIsoQuota,
  useUploadIso,
} from '@/queries/useIsos';
import { useMe } from '@/queries/useAuth';
import { can, needs } from '@/lib/can';
import { formatBytes, formatDate } from '@/lib/format';
import { Button } from '@/components/ui/Button';
import { ConfirmDelete } from '@/components/ui/ConfirmDelete';
import { ProgressBar, UploadProgress } from '@/components/ui/ProgressBar';
import { TextField } from '@/components/ui/TextField';
import { FilePicker } from '@/components/ui/FilePicker';
import { DataTable, type Column } from '@/components/ui/DataTable';
import { EmptyState, PageHeader } from '@/components/ui/States';
import { errorText } from '@/lib/errorText';
import { toast } from '@/lib/toast';

/** Same rule as the contract's IsoName, to say so before the upload starts. */
const ISO_NAME = /^[a-zA-Z0-9][a-zA-Z0-9._-]*\.iso$/;
const GiB = 1024 ** 3;

/** What the store holds against its quota; those with host.manage change the quota here. */
function StoreUsage({ store }: { store: IsoStoreUsage }) {
  const me = useMe().data;
  const setQuota = useSetIsoQuota();
  const [editing, setEditing] = useState<string | null>(null);
  const percent = Math.min(100, Math.round((store.usedBytes / store.quotaBytes) * 100));
  const gib = editing === null ? NaN : Number(editing);
  const quotaError =
    editing !== null && !(gib > 0) ? 'a size in GiB, more than 0 (like 64 or 0.5)' : null;
  const save = (e: FormEvent) => {
    e.preventDefault();
    if (quotaError) return;
    setQuota.mutate(
      { quotaBytes: Math.round(gib * GiB) },
      {
        onSuccess: () => setEditing(null),
        onError: (err) =>
          toast({ tone: 'error', title: 'The quota was not changed', body: errorText(err) }),
      },
    );
  };
  return (
    <section className="card space-y-2 p-4" aria-labelledby="iso-store-usage">
      <h2 id="iso-store-usage" className="font-semibold">
        Space
      </h2>
      <p className="text-sm">
        {formatBytes(store.usedBytes)} of {formatBytes(store.quotaBytes)} used ({percent}%). Uploads
        that would go past the quota are refused, and only CD images (ISO 9660 or UDF) are taken.
      </p>
      <ProgressBar value={percent} label="ISO store quota used" />
      {can(me, 'host.manage') &&
        (editing === null ? (
          <Button
            size="sm"
            onClick={() => setEditing(String(+(store.quotaBytes / GiB).toFixed(2)))}
          >
            Change quota
          </Button>
        ) : (
          <form onSubmit={save} className="flex flex-wrap items-end gap-2">
            <div>
              <label htmlFor="iso-quota" className="label">
                Quota (GiB)
              </label>
              <input
                id="iso-quota"
                className="input w-32"
                inputMode="decimal"
                value={editing}
                onChange={(e) => setEditing(e.target.value)}
                aria-invalid={quotaError ? true : undefined}
                aria-describedby={quotaError ? 'iso-quota-err' : undefined}
              />
              {quotaError && (
                <p id="iso-quota-err" className="field-error">
                  {quotaError}
                </p>
              )}
            </div>
            <Button
              type="submit"
              size="sm"
              variant="primary"
              busy={setQuota.isPending}
              disabledReason={quotaError}
            >
              Save
            </Button>
            <Button size="sm" onClick={() => setEditing(null)}>
              Cancel
            </Button>
          </form>
        ))}
    </section>
  );
}

function UploadForm({ store }: { store: IsoStoreUsage | undefined }) {
  const me = useMe().data;
  const [file, setFile] = useState<File | null>(null);
  const [name, setName] = useState('');
  const [progress, setProgress] = useState<number | null>(null);
  const abort = useRef<AbortController | null>(null);
  const input = useRef<HTMLInputElement>(null);
  const upload = useUploadIso(setProgress);
  const nameError =
    name && (!ISO_NAME.test(name) || name.includes('..') || name.length > 120)
      ? 'An ISO file name like debian.iso: letters, digits, . _ - and ending in .iso'
      : null;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!file || nameError) return;
    abort.current = new AbortController();
    setProgress(0);
    upload.mutate(
      { name, file, signal: abort.current.signal },
      {
        onSuccess: (iso) => {
          toast({ tone: 'success', title: `Uploaded ${iso.name}`, body: `SHA-256 ${iso.sha256}` });
          setFile(null);
          setName('');
          if (input.current) input.current.value = '';
        },
        onError: (err) =>
          toast({ tone: 'error', title: `Upload of ${name} failed`, body: errorText(err) }),
        onSettled: () => setProgress(null),
      },
    );
  };

  return (
    <form onSubmit={submit} className="card space-y-3 p-4" aria-labelledby="upload">
      <h2 id="upload" className="font-semibold">
        Upload an ISO
      </h2>
      <div className="grid gap-3 sm:grid-cols-2">
        <FilePicker
          inputRef={input}
          accept=".iso,application/x-iso9660-image"
          onPick={(f) => {
            setFile(f);
            if (f) setName(f.name.endsWith('.iso') ? f.name : `${f.name}.iso`);
          }}
        />
        <TextField
          label="Name in the store"
          value={name}
          onChange={setName}
          error={nameError ?? undefined}
        />
      </div>
      <UploadProgress fraction={progress} label="Upload progress" />
      <div className="flex gap-2">
        <Button
          type="submit"
          variant="primary"
          busy={upload.isPending}
          disabledReason={
            needs(me, 'iso.manage') ??
            (!file
              ? 'choose a file first'
              : nameError
                ? 'fix the name'
                : store && store.usedBytes + file.size > store.quotaBytes
                  ? `larger than the room left in the store (${formatBytes(store.quotaBytes - store.usedBytes)})`
                  : null)
          }
        >
          Upload
        </Button>
        {upload.isPending && <Button onClick={() => abort.current?.abort()}>Cancel upload</Button>}
      </div>
    </form>
  );
}

const columns = (onDelete: (iso: Iso) => void, deny: string | null): Column<Iso>[] => [
  { id: 'name', header: 'Name', cell: (iso) => iso.name, cellClassName: 'font-medium break-all' },
  {
    id: 'size',
    header: 'Size',
    cell: (iso) => formatBytes(iso.sizeBytes),
    cellClassName: 'whitespace-nowrap',
  },
  {
    id: 'sha256',
    header: 'SHA-256',
    cell: (iso) => iso.sha256,
    className: 'hidden md:table-cell',
    cellClassName: 'max-w-[16rem] truncate font-mono text-xs',
    title: (iso) => iso.sha256,
  },
  {
    id: 'uploaded',
    header: 'Uploaded',
    cell: (iso) => formatDate(iso.uploadedAt),
    className: 'hidden sm:table-cell',
    cellClassName: 'text-xs text-muted',
  },
  {
    id: 'actions',
    header: <span className="sr-only">Actions</span>,
    cell: (iso) => (
      <Button
        size="sm"
        aria-label={`Delete ${iso.name}`}
        disabledReason={deny}
        onClick={() => onDelete(iso)}
      >
        Delete
      </Button>
    ),
    cellClassName: 'text-right',
  },
];

export default function IsosPage() {
  const isos = useIsos();
  const store = useIsoStore();
  const me = useMe().data;
  const del = useDeleteIso();
  const [confirm, setConfirm] = useState<Iso | null>(null);
  return (
    <>
      <PageHeader
        title="ISO store"
        description="CD images that VMs can boot from or mount as their CD-ROM."
      />
      <div className="space-y-6">
        {store.data && <StoreUsage store={store.data} />}
        <UploadForm store={store.data} />
        <DataTable
          query={isos}
          columns={columns(setConfirm, needs(me, 'iso.manage'))}
          rowKey={(iso) => iso.name}
          caption="ISO images"
          loadingLabel="Loading ISOs…"
          empty={
            <EmptyState title="The ISO store is empty">
              Upload one above, or build the tiny-linux template, which adds its ISO here.
            </EmptyState>
          }
        />
      </div>
      {confirm && (
        <ConfirmDelete
          what={confirm.name}
          busy={del.isPending}
          remove={(callbacks) => del.mutate(confirm.name, callbacks)}
          onClose={() => setConfirm(null)}
        >
          VMs that use it as their CD-ROM lose it at their next start.
        </ConfirmDelete>
      )}
    </>
  );
}
