import { useMutation, useQuery } from '@tanstack/react-query';
import type { Template } from '@berth/contracts';
import { buildTemplate, fetchTemplates } from '@/api/templates';
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
