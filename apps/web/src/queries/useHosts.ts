import { useQuery } from '@tanstack/react-query';
import { fetchHosts } from '@/api/hosts';
import { hostKeys } from './keys';

export function useHosts() {
  return useQuery({ queryKey: hostKeys.list(), queryFn: ({ signal }) => fetchHosts(signal) });
}
