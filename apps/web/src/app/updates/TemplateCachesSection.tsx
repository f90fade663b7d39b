'use client';
import { useState } from 'react';
import { RefreshCw } from 'lucide-react';
import type { TemplatePackageChanges } from '@berth/contracts';
import type { HostTemplate } from '@/api/templates';
import { formatBytes, formatRelative } from '@/lib/format';
import { needs } from '@/lib/can';
import { useMe } from '@/queries/useAuth';
import { useBuildTemplate, useTemplates } from '@/queries/useTemplates';
import { useTask } from '@/queries/useTasks';
import { useTemplatePackages } from '@/queries/useUpdates';
import { Button } from '@/components/ui/Button';
import { ErrorMessage } from '@/components/ui/ErrorMessage';
import { LoadingState } from '@/components/ui/States';
import { TaskFollow } from './TaskFollow';

/** The packages the cache holds, as dpkg listed them when it was built. */
function Packages({ template }: { template: HostTemplate }) {
  const [open, setOpen] = useState(false);
  const q = useTemplatePackages(template.hostId, template.name, template.builtAt, open);
  return (
    <details onToggle={(e) => setOpen((e.target as HTMLDetailsElement).open)}>
      <summary className="cursor-pointer text-sm text-muted">Packages</summary>
      {q.isPending ? (
        <LoadingState label="Loading packages…" />
      ) : q.isError ? (
        <ErrorMessage error={q.error} />
      ) : q.data.packages === null ? (
        <p className="text-sm text-muted">
          No package list was kept with this cache (built before lists were kept, or a system
          without dpkg): Refresh keeps one.
        </p>
      ) : (
        <ul className="mt-1 max-h-64 columns-1 overflow-y-auto font-mono text-xs sm:columns-2 lg:columns-3">
          {q.data.packages.map((p) => (
            <li key={p.name}>
              {p.name} {p.version}
            </li>
          ))}
        </ul>
      )}
    </details>
  );
}

/** What a finished refresh changed, from its task's result. */
function Changes({ taskId }: { taskId: string }) {
  const t = useTask(taskId).data;
  if (t?.status !== 'succeeded') return null;
  const changes = (t.result as { changes?: TemplatePackageChanges } | null)?.changes;
  if (!changes)
    return (
      <p className="text-sm text-muted">
        Rebuilt; the old cache kept no package list to compare with.
      </p>
    );
  const { upgraded, added, removed } = changes;
  return (
    <div className="text-sm" role="status">
      <p>
        Rebuilt: {upgraded.length} upgraded, {added.length} added, {removed.length} removed.
      </p>
      <ul className="mt-1 max-h-48 overflow-y-auto font-mono text-xs">
        {upgraded.map((u) => (
          <li key={u.name}>
            {u.name} {u.from} → {u.to}
          </li>
        ))}
        {added.map((a) => (
          <li key={a.name}>
            + {a.name} {a.version}
          </li>
        ))}
        {removed.map((r) => (
          <li key={r.name}>
            − {r.name} {r.version}
          </li>
        ))}
      </ul>
    </div>
  );
}

/** One container template cache: its age, its packages, and a rebuild from the archive. */
function TemplateRow({ template }: { template: HostTemplate }) {
  const me = useMe().data;
  const build = useBuildTemplate();
  const [taskId, setTaskId] = useState<string | null>(null);
  return (
    <li className="space-y-2 border-t border-line py-2 first:border-t-0">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <span className="flex items-baseline gap-2">
          <span className="font-medium">{template.name}</span>
          <span className="text-sm text-muted">
            {template.cached && template.builtAt
              ? `built ${formatRelative(template.builtAt)} · ${formatBytes(template.sizeBytes)}`
              : 'not cached yet: built at the first create'}
          </span>
        </span>
        <Button
          size="sm"
          busy={build.isPending || template.building}
          disabledReason={needs(me, 'template.manage')}
          onClick={() =>
            build.mutate(
              { name: template.name, rebuild: true },
              { onSuccess: (task) => setTaskId(task.id) },
            )
          }
        >
          <RefreshCw aria-hidden size={14} /> Refresh
        </Button>
      </div>
      {template.cached && <Packages template={template} />}
      {build.isError && <ErrorMessage error={build.error} />}
      {taskId && <Changes taskId={taskId} />}
      {taskId && <TaskFollow taskId={taskId} label={`Rebuild of ${template.name}`} />}
    </li>
  );
}

/**
 * Container template caches: refreshing rebuilds one from the archive, so new containers start
 * with current packages. Containers are unpacked copies of a cache, never linked to it, so a
 * rebuild changes no existing container.
 */
export function TemplateCachesSection() {
  const templates = useTemplates();
  const rows = (templates.data ?? []).filter((t) => t.kind === 'ct' && !t.custom);
  return (
    <section aria-label="Template caches" className="card space-y-3 p-4">
      <h2 className="font-semibold">Template caches</h2>
      {templates.isPending ? (
        <LoadingState label="Loading templates…" />
      ) : templates.isError ? (
        <ErrorMessage error={templates.error} />
      ) : (
        <ul>
          {rows.map((t) => (
            <TemplateRow key={`${t.hostId}:${t.name}`} template={t} />
          ))}
        </ul>
      )}
    </section>
  );
}
