import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { Template } from '@berth/contracts';
import { buildTemplate, fetchTemplates, importTemplate } from '@/api/templates';
import { runTask, type TaskCallbacks } from '@/events/taskWatchers';
import { templateKeys } from './keys';

export function useTemplates() {
  return useQuery({
    queryKey: templateKeys.list(),
    queryFn: ({ signal }) => fetchTemplates(signal),
  });
}

export function useBuildTemplate() {
  return useMutation({
    mutationFn: ({
      name,
      rebuild,
      cb,
    }: {
      name: Template['name'];
      rebuild: boolean;
      cb?: TaskCallbacks;
    }) => runTask(() => buildTemplate(name, rebuild), cb),
  });
}

export function useImportTemplate(onProgress: (fraction: number) => void) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ name, file, signal }: { name: string; file: File; signal?: AbortSignal }) =>
      importTemplate(name, file, onProgress, signal),
    onSettled: () => qc.invalidateQueries({ queryKey: templateKeys.all }),
  });
}
