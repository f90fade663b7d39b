import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { Me } from '@berth/contracts';
import { fetchMe, login, logout } from '@/api/auth';
import { isApiError } from '@/api/http';
import { authKeys } from './keys';

/** Who is logged in: the user, or null after a 401. */
export function useMe() {
  return useQuery<Me | null>({
    queryKey: authKeys.me,
    queryFn: async ({ signal }) => {
      try {
        return await fetchMe(signal);
      } catch (e) {
        if (isApiError(e) && e.status === 401) return null;
        throw e;
      }
    },
    staleTime: 5 * 60_000,
  });
}

export function useLogin() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ username, password }: { username: string; password: string }) =>
      login(username, password),
    onSuccess: (me) => {
      qc.clear();
      qc.setQueryData(authKeys.me, me);
    },
  });
}

export function useLogout() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: logout,
    onSettled: () => {
      qc.clear();
      qc.setQueryData(authKeys.me, null);
    },
  });
}
