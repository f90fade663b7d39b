import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { CreateRole, CreateUser, Grant } from '@berth/contracts';
import { createRole, deleteRole, fetchRoles, updateRole } from '@/api/roles';
import {
  createUser,
  deleteUser,
  fetchUsers,
  resetPassword,
  setGrants,
  setUserDisabled,
} from '@/api/users';
import { roleKeys, userKeys } from './keys';

export function useUsers() {
  return useQuery({ queryKey: userKeys.list(), queryFn: ({ signal }) => fetchUsers(signal) });
}

/** Every user mutation refreshes the list (and role use counts, which grants change). */
function useUserMutation<V, R>(fn: (v: V) => Promise<R>) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: userKeys.all });
      void qc.invalidateQueries({ queryKey: roleKeys.all });
    },
  });
}

export const useCreateUser = () => useUserMutation((spec: CreateUser) => createUser(spec));
export const useSetUserDisabled = () =>
  useUserMutation((v: { id: string; disabled: boolean }) => setUserDisabled(v.id, v.disabled));
export const useDeleteUser = () => useUserMutation((id: string) => deleteUser(id));
export const useResetPassword = () =>
  useUserMutation((v: { id: string; password: string }) => resetPassword(v.id, v.password));
export const useSetGrants = () =>
  useUserMutation((v: { id: string; grants: Grant[] }) => setGrants(v.id, v.grants));

export function useRoles() {
  return useQuery({ queryKey: roleKeys.list(), queryFn: ({ signal }) => fetchRoles(signal) });
}

function useRoleMutation<V, R>(fn: (v: V) => Promise<R>) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSuccess: () => void qc.invalidateQueries({ queryKey: roleKeys.all }),
  });
}

export const useCreateRole = () => useRoleMutation((spec: CreateRole) => createRole(spec));
export const useUpdateRole = () =>
  useRoleMutation((v: { id: string; patch: Partial<CreateRole> }) => updateRole(v.id, v.patch));
export const useDeleteRole = () => useRoleMutation((id: string) => deleteRole(id));
