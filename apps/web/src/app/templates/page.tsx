'use client';
import { useState } from 'react';
import type { Task, Template } from '@berth/contracts';
import { useBuildTemplate, useTemplates } from '@/queries/useTemplates';
import { templateExportUrl } from '@/api/templates';
import { ImportTemplateForm } from '@/components/templates/ImportTemplateForm';
import { useDeleteTemplate } from '@/queries/useMaintenance';
import { ConfirmDialog } from '@/components/ui/ConfirmDialog';
import { formatBytes, formatRelative } from '@/lib/format';
import { Button } from '@/components/ui/Button';
import { ProgressBar } from '@/components/ui/ProgressBar';
import { KindBadge } from '@/components/ui/StateBadge';
import { EmptyState, ErrorState, LoadingState, PageHeader } from '@/components/ui/States';
import { errorText } from '@/lib/errorText';
import { toast } from '@/lib/toast';

export default function TemplatesPage() {
  const templates = useTemplates();
  const build = useBuildTemplate();
  const remove = useDeleteTemplate();
  /** A template made from an instance, asked about before it is deleted. */
  const [deleting, setDeleting] = useState<Template | null>(null);
  /** The build task per template started from this page, for its progress bar. */
  const [tasks, setTasks] = useState<Partial<Record<Template['name'], Task>>>({});
  const track = (name: Template['name']) => (t: Task) => setTasks((o) => ({ ...o, [name]: t }));

  const start = (t: Template) =>
    build.mutate(
      { name: t.name, rebuild: t.cached, cb: { onProgress: track(t.name) } },
      {
        onError: (e) =>
          toast({ tone: 'error', title: `Cannot build ${t.name}`, body: errorText(e) }),
      },
    );

  return (
    <>
      <PageHeader
        title="Templates"
        description="Root filesystems for containers and bootable disks for VMs, built here from Debian's packages or made from your own instances."
      />
      <ImportTemplateForm />
      {templates.isPending ? (
        <LoadingState label="Loading templates…" />
      ) : templates.isError ? (
        <ErrorState error={templates.error} onRetry={() => void templates.refetch()} />
      ) : templates.data.length === 0 ? (
        <EmptyState title="No templates on this host" />
      ) : (
        <ul className="grid gap-4 md:grid-cols-2" aria-label="Templates">
          {templates.data.map((t) => {
            const task = tasks[t.name];
            const running = task && (task.status === 'running' || task.status === 'queued');
            const building = t.building || running;
            return (
              <li key={t.name} className="card flex flex-col gap-3 p-4" aria-label={t.name}>
                <div className="flex flex-wrap items-center gap-2">
                  <h2 className="font-semibold">{t.name}</h2>
                  <KindBadge kind={t.kind} />
                  <span
                    className={`ml-auto rounded-full px-2 py-0.5 text-xs font-medium ${
                      building
                        ? 'bg-sky-100 text-sky-800 dark:bg-sky-900/50 dark:text-sky-200'
                        : t.cached
                          ? 'bg-emerald-100 text-emerald-800 dark:bg-emerald-900/50 dark:text-emerald-200'
                          : 'bg-slate-200 text-slate-800 dark:bg-slate-700 dark:text-slate-100'
                    }`}
                  >
                    {building ? 'building' : t.cached ? 'ready' : 'not built'}
                  </span>
                </div>
                <p className="text-sm text-muted">{t.description}</p>
                {t.cached && (
                  <p className="text-xs text-muted">
                    {formatBytes(t.sizeBytes)} · built {formatRelative(t.builtAt)}
                  </p>
                )}
                {building && (
                  <div>
                    <ProgressBar
                      value={running ? task.progress : null}
                      label={`Building ${t.name}`}
                    />
                    <p className="mt-1 text-xs text-muted">
                      {running ? (task.message ?? `${task.progress}%`) : 'Building…'}
                    </p>
                  </div>
                )}
                {task?.status === 'failed' && (
                  <p className="text-sm text-red-700 dark:text-red-300">
                    Build failed: {task.error?.message}
                  </p>
                )}
                <div className="flex gap-2">
                  {t.custom && t.kind === 'ct' && (
                    <a
                      href={templateExportUrl(t.name)}
                      download={`${t.name}.berth-template.tar`}
                      aria-label={`Export ${t.name}`}
                      className="inline-flex items-center rounded-md border border-line bg-surface px-2.5 py-1 text-sm font-medium text-fg hover:bg-slate-100 dark:hover:bg-slate-800"
                    >
                      Export
                    </a>
                  )}
                  {t.custom ? (
                    <Button
                      size="sm"
                      onClick={() => setDeleting(t)}
                      aria-label={`Delete ${t.name}`}
                    >
                      Delete
                    </Button>
                  ) : (
                    <Button
                      size="sm"
                      variant={t.cached ? 'secondary' : 'primary'}
                      disabledReason={building ? 'a build is running' : null}
                      onClick={() => start(t)}
                      aria-label={`${t.cached ? 'Rebuild' : 'Build'} ${t.name}`}
                    >
                      {t.cached ? 'Rebuild' : 'Build'}
                    </Button>
                  )}
                </div>
              </li>
            );
          })}
        </ul>
      )}
      {deleting && (
        <ConfirmDialog
          title={`Delete template ${deleting.name}?`}
          confirmLabel="Delete"
          danger
          busy={remove.isPending}
          onCancel={() => setDeleting(null)}
          onConfirm={() =>
            remove.mutate(deleting.name, {
              onSettled: () => setDeleting(null),
              onError: (e) =>
                toast({
                  tone: 'error',
                  title: `Cannot delete ${deleting.name}`,
                  body: errorText(e),
                }),
            })
          }
        >
          {deleting.kind === 'ct' ? (
            <p>
              Containers made from it keep working: each is a full copy. Export it first to keep a
              file of it.
            </p>
          ) : (
            <p>
              VMs made from it as copies keep working; it cannot be deleted while linked clones use
              it.
            </p>
          )}
        </ConfirmDialog>
      )}
    </>
  );
}
