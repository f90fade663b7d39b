'use client';
import { useState } from 'react';
import { canSomewhere, type ConfigSample, type Limits } from '@berth/contracts';
import { ApplyDialog } from '@/components/samples/ApplyDialog';
import { CheckInstance } from '@/components/samples/CheckInstance';
import { SampleDialog } from '@/components/samples/SampleDialog';
import { ScaleDialog } from '@/components/samples/ScaleDialog';
import { SplitDialog } from '@/components/samples/SplitDialog';
import { Button } from '@/components/ui/Button';
import { ConfirmDialog } from '@/components/ui/ConfirmDialog';
import { DataTable, type Column } from '@/components/ui/DataTable';
import { PageHeader } from '@/components/ui/States';
import { can, needs } from '@/lib/can';
import { errorText } from '@/lib/errorText';
import { describeLimits } from '@/lib/limitsForm';
import { toast } from '@/lib/toast';
import { useMe } from '@/queries/useAuth';
import { useDeleteSample, useSamples } from '@/queries/useSamples';

type Start = { name?: string; description?: string; limits: Limits };
type Dialog =
  | { kind: 'edit'; sample?: ConfigSample; start?: Start }
  | { kind: 'split' }
  | { kind: 'scale'; sample: ConfigSample }
  | { kind: 'apply'; sample: ConfigSample }
  | { kind: 'delete'; sample: ConfigSample };

export default function SamplesPage() {
  const me = useMe().data;
  const samples = useSamples();
  const del = useDeleteSample();
  const [dialog, setDialog] = useState<Dialog | null>(null);
  const manage = can(me, 'sample.manage');
  // A grant over a host or a tag configures some instances: the dialog lists only those.
  const configureSomewhere = !!me && canSomewhere(me, 'instance.configure');
  const saveAs = manage ? (start: Start) => setDialog({ kind: 'edit', start }) : undefined;

  const columns: Column<ConfigSample>[] = [
    {
      id: 'name',
      header: 'Sample',
      cell: (s) => (
        <div>
          <span className="font-medium">{s.name}</span>
          {s.builtin && (
            <span className="ml-2 rounded-full bg-slate-200 px-2 py-0.5 text-xs dark:bg-slate-700">
              built-in
            </span>
          )}
          {s.description && <p className="text-xs text-muted">{s.description}</p>}
        </div>
      ),
    },
    { id: 'limits', header: 'Limits', cell: (s) => describeLimits(s.limits) },
    {
      id: 'actions',
      header: <span className="sr-only">Actions</span>,
      cellClassName: 'text-right',
      cell: (s) => (
        <div className="flex justify-end gap-1" role="group" aria-label={`Actions for ${s.name}`}>
          <Button
            size="sm"
            disabledReason={configureSomewhere ? null : 'needs instance.configure'}
            onClick={() => setDialog({ kind: 'apply', sample: s })}
          >
            Apply…
          </Button>
          <Button size="sm" onClick={() => setDialog({ kind: 'scale', sample: s })}>
            Scale…
          </Button>
          {s.builtin ? (
            <Button
              size="sm"
              disabledReason={needs(me, 'sample.manage')}
              onClick={() => setDialog({ kind: 'edit', start: { ...s, name: `${s.name}-copy` } })}
            >
              Copy
            </Button>
          ) : (
            <>
              <Button
                size="sm"
                disabledReason={needs(me, 'sample.manage')}
                onClick={() => setDialog({ kind: 'edit', sample: s })}
              >
                Edit
              </Button>
              <Button
                size="sm"
                disabledReason={needs(me, 'sample.manage')}
                onClick={() => setDialog({ kind: 'delete', sample: s })}
              >
                Delete
              </Button>
            </>
          )}
        </div>
      ),
    },
  ];

  return (
    <>
      <PageHeader
        title="Configuration samples"
        description="Named sets of limits to create instances with or to apply to them. The built-in ones are read-only; copy one to change it."
        actions={
          <>
            <Button onClick={() => setDialog({ kind: 'split' })}>Split this server…</Button>
            <Button
              variant="primary"
              disabledReason={needs(me, 'sample.manage')}
              onClick={() => setDialog({ kind: 'edit' })}
            >
              New sample
            </Button>
          </>
        }
      />
      <DataTable
        query={samples}
        columns={columns}
        rowKey={(s) => s.id}
        caption="Configuration samples"
        loadingLabel="Loading samples…"
        empty="No samples"
      />
      <CheckInstance />
      {dialog?.kind === 'edit' && (
        <SampleDialog sample={dialog.sample} start={dialog.start} onClose={() => setDialog(null)} />
      )}
      {dialog?.kind === 'split' && <SplitDialog onSave={saveAs} onClose={() => setDialog(null)} />}
      {dialog?.kind === 'scale' && (
        <ScaleDialog sample={dialog.sample} onSave={saveAs} onClose={() => setDialog(null)} />
      )}
      {dialog?.kind === 'apply' && (
        <ApplyDialog sample={dialog.sample} onClose={() => setDialog(null)} />
      )}
      {dialog?.kind === 'delete' && (
        <ConfirmDialog
          title={`Delete ${dialog.sample.name}?`}
          confirmLabel="Delete"
          danger
          busy={del.isPending}
          onCancel={() => setDialog(null)}
          onConfirm={() =>
            del.mutate(dialog.sample.id, {
              onSettled: () => setDialog(null),
              onError: (e) =>
                toast({
                  tone: 'error',
                  title: `Cannot delete ${dialog.sample.name}`,
                  body: errorText(e),
                }),
            })
          }
        >
          Instances made from it keep their limits.
        </ConfirmDialog>
      )}
    </>
  );
}
