'use client';
import { useState } from 'react';
import { RefreshCw } from 'lucide-react';
import type { HostTemplate } from '@/api/templates';
import { formatBytes, formatRelative } from '@/lib/format';
import { needs } from '@/lib/can';
import { useMe } from '@/queries/useAuth';
import { useBuildTemplate, useTemplates } from '@/queries/useTemplates';
import { Button } from '@/components/ui/Button';
import { ErrorMessage } from '@/components/ui/ErrorMessage';
import { LoadingState } from '@/components/ui/States';
import { TaskFollow } from './TaskFollow';

/** One container template cache: its age, and a rebuild from the archive. */
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
      {build.isError && <ErrorMessage error={build.error} />}
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
