import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { CreateApiToken, Me } from '@berth/contracts';
import {
  changePassword,
  confirmTotp,
  createToken,
  deleteToken,
  disableTotp,
  endAllSessions,
  endSession,
  enrollTotp,
  fetchMe,
  fetchSessions,
  fetchTokens,
  login,
  logout,
} from '@/api/auth';
import { isApiError } from '@/api/http';
import { forgetBoot } from '@/lib/boot';
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
    mutationFn: ({
      username,
      password,
      code,
    }: {
      username: string;
      password: string;
      code?: string;
    }) => login(username, password, code),
    onSuccess: (me) => {
      forgetBoot();
      qc.clear();
      qc.setQueryData(authKeys.me, me);
    },
  });
}

/** Ends this login; also what "log out everywhere" leaves the browser in. */
function useLoggedOut() {
  const qc = useQueryClient();
  return () => {
    forgetBoot();
    qc.clear();
    qc.setQueryData(authKeys.me, null);
  };
}

export function useLogout() {
  const loggedOut = useLoggedOut();
  return useMutation({ mutationFn: logout, onSettled: loggedOut });
}

export function useChangePassword() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (v: { currentPassword: string; newPassword: string }) =>
      changePassword(v.currentPassword, v.newPassword),
    onSuccess: () => void qc.invalidateQueries({ queryKey: authKeys.sessions }),
  });
}

export function useEnrollTotp() {
  return useMutation({ mutationFn: enrollTotp });
}

export function useConfirmTotp() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: confirmTotp,
    onSuccess: () => void qc.invalidateQueries({ queryKey: authKeys.me }),
  });
}

export function useDisableTotp() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: disableTotp,
    onSuccess: () => void qc.invalidateQueries({ queryKey: authKeys.me }),
  });
}

export function useSessions() {
  return useQuery({ queryKey: authKeys.sessions, queryFn: ({ signal }) => fetchSessions(signal) });
}

export function useEndSession() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: endSession,
    onSuccess: () => void qc.invalidateQueries({ queryKey: authKeys.sessions }),
  });
}

export function useEndAllSessions() {
  const loggedOut = useLoggedOut();
  return useMutation({ mutationFn: endAllSessions, onSuccess: loggedOut });
}

export function useTokens() {
  return useQuery({ queryKey: authKeys.tokens, queryFn: ({ signal }) => fetchTokens(signal) });
}

export function useCreateToken() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (spec: CreateApiToken) => createToken(spec),
    onSuccess: () => void qc.invalidateQueries({ queryKey: authKeys.tokens }),
  });
}

export function useDeleteToken() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: deleteToken,
    onSuccess: () => void qc.invalidateQueries({ queryKey: authKeys.tokens }),
  });
}
