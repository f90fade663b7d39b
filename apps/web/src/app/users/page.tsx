'use client';
import { useState, type FormEvent } from 'react';
import type { RoleInfo, User } from '@berth/contracts';
import { GrantsEditor, toGrants, type GrantRow } from '@/components/users/GrantsEditor';
import { Button } from '@/components/ui/Button';
import { DialogFooter } from '@/components/ui/DialogFooter';
import { ConfirmDialog } from '@/components/ui/ConfirmDialog';
import { DataTable, type Column } from '@/components/ui/DataTable';
import { TextField } from '@/components/ui/TextField';
import { Modal } from '@/components/ui/Modal';
import { PageHeader } from '@/components/ui/States';
import { can } from '@/lib/can';
import { errorText } from '@/lib/errorText';
import { formatRelative } from '@/lib/format';
import { saveErrors } from '@/lib/formErrors';
import { toast } from '@/lib/toast';
import { useMe } from '@/queries/useAuth';
import { useHosts } from '@/queries/useHosts';
import {
  useCreateUser,
  useDeleteUser,
  useResetPassword,
  useRoles,
  useSetGrants,
  useSetUserDisabled,
  useUsers,
} from '@/queries/useUsers';
import { FormError } from '@/components/ui/FormError';

type Dialog =
  | { kind: 'create' }
  | { kind: 'grants'; user: User }
  | { kind: 'password'; user: User }
  | { kind: 'delete'; user: User };

function grantText(
  g: User['grants'][number],
  roleName: Map<string, string>,
  hostName: Map<string, string>,
) {
  const role = roleName.get(g.role) ?? g.role;
  if (g.scope === 'all') return role;
  return `${role} · ${g.scope === 'host' ? `host ${hostName.get(g.scopeValue) ?? g.scopeValue}` : `tag ${g.scopeValue}`}`;
}

/** The roles and hosts a grants editor offers. */
function useGrantChoices() {
  const me = useMe().data;
  const roles = useRoles().data ?? [];
  // Host names are for those who may see hosts; the others type a host id.
  const hosts = useHosts();
  return {
    roles,
    hosts: can(me, 'host.view') ? (hosts.data ?? []) : [],
  };
}

function CreateUserDialog({ onClose }: { onClose: () => void }) {
  const create = useCreateUser();
  const { roles, hosts } = useGrantChoices();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [grants, setGrants] = useState<GrantRow[]>([
    { role: 'operator', scope: 'all', scopeValue: '' },
  ]);
  const errors = create.isError ? saveErrors(create.error) : {};
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate(
      { username: username.trim(), password, grants: toGrants(grants) },
      {
        onSuccess: (u) => {
          toast({ tone: 'success', title: `User ${u.username} created` });
          onClose();
        },
      },
    );
  };
  return (
    <Modal title="New user" onClose={onClose} wide>
      <form onSubmit={submit} className="grid gap-3" noValidate>
        <TextField
          label="Username"
          error={errors.username}
          autoComplete="off"
          value={username}
          onChange={setUsername}
        />
        <TextField
          type="password"
          label="Password"
          hint="At least 8 characters; they can change it later."
          error={errors.password}
          autoComplete="new-password"
          value={password}
          onChange={setPassword}
        />
        <GrantsEditor rows={grants} onChange={setGrants} roles={roles} hosts={hosts} />
        <FormError message={errors.grants ?? errors['(root)']} />
        <DialogFooter
          onCancel={onClose}
          className="mt-2"
          busy={create.isPending}
          disabled={!username.trim() || password.length < 8}
        >
          Create user
        </DialogFooter>
      </form>
    </Modal>
  );
}

function GrantsDialog({ user, onClose }: { user: User; onClose: () => void }) {
  const save = useSetGrants();
  const { roles, hosts } = useGrantChoices();
  const [rows, setRows] = useState<GrantRow[]>(user.grants.map((g) => ({ ...g })));
  const errors = save.isError ? saveErrors(save.error) : {};
  return (
    <Modal title={`Grants of ${user.username}`} onClose={onClose} wide>
      <form
        className="grid gap-3"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate({ id: user.id, grants: toGrants(rows) }, { onSuccess: onClose });
        }}
      >
        <GrantsEditor rows={rows} onChange={setRows} roles={roles} hosts={hosts} />
        <FormError message={errors.grants ?? errors['(root)']} />
        <DialogFooter onCancel={onClose} className="mt-2" busy={save.isPending}>
          Save grants
        </DialogFooter>
      </form>
    </Modal>
  );
}

function PasswordDialog({ user, onClose }: { user: User; onClose: () => void }) {
  const reset = useResetPassword();
  const [password, setPassword] = useState('');
  const errors = reset.isError ? saveErrors(reset.error) : {};
  return (
    <Modal title={`New password for ${user.username}`} onClose={onClose}>
      <form
        className="grid gap-3"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          reset.mutate(
            { id: user.id, password },
            {
              onSuccess: () => {
                toast({
                  tone: 'success',
                  title: `Password of ${user.username} reset`,
                  body: 'Their sessions were logged out.',
                });
                onClose();
              },
            },
          );
        }}
      >
        <TextField
          type="password"
          label="New password"
          hint="At least 8 characters. Every session of theirs ends."
          error={errors.password ?? errors['(root)']}
          autoComplete="new-password"
          value={password}
          onChange={setPassword}
        />
        <DialogFooter onCancel={onClose} busy={reset.isPending} disabled={password.length < 8}>
          Set password
        </DialogFooter>
      </form>
    </Modal>
  );
}

export default function UsersPage() {
  const me = useMe().data;
  const users = useUsers();
  const roles = useRoles();
  const hosts = useHosts();
  const disable = useSetUserDisabled();
  const del = useDeleteUser();
  const [dialog, setDialog] = useState<Dialog | null>(null);
  const roleName = new Map((roles.data ?? []).map((r: RoleInfo) => [r.id, r.name]));
  const hostName = new Map(
    (can(me, 'host.view') ? (hosts.data ?? []) : []).map((h) => [h.id, h.name]),
  );
  const failed = (title: string) => (e: unknown) =>
    toast({ tone: 'error', title, body: errorText(e) });

  const columns: Column<User>[] = [
    {
      id: 'name',
      header: 'User',
      cell: (u) => (
        <span className="font-medium">
          {u.username}
          {u.id === me?.id && <span className="ml-1 text-xs text-muted">(you)</span>}
        </span>
      ),
    },
    {
      id: 'status',
      header: 'Status',
      cell: (u) =>
        u.disabled ? (
          <span className="rounded-full bg-slate-200 px-2 py-0.5 text-xs dark:bg-slate-700">
            disabled
          </span>
        ) : (
          <span className="rounded-full bg-emerald-100 px-2 py-0.5 text-xs text-emerald-900 dark:bg-emerald-900/50 dark:text-emerald-100">
            enabled
          </span>
        ),
    },
    {
      id: 'grants',
      header: 'Grants',
      cell: (u) =>
        u.grants.length ? (
          <ul className="flex flex-wrap gap-1">
            {u.grants.map((g) => (
              <li
                key={`${g.role}/${g.scope}/${g.scopeValue}`}
                className="rounded bg-slate-100 px-1.5 py-0.5 text-xs dark:bg-slate-800"
              >
                {grantText(g, roleName, hostName)}
              </li>
            ))}
          </ul>
        ) : (
          <span className="text-xs text-muted">none</span>
        ),
    },
    {
      id: 'totp',
      header: '2FA',
      className: 'hidden md:table-cell',
      cell: (u) => (u.totpEnabled ? 'on' : 'off'),
    },
    {
      id: 'pw',
      header: 'Password set',
      className: 'hidden lg:table-cell',
      cell: (u) => formatRelative(u.passwordChangedAt),
    },
    {
      id: 'actions',
      header: <span className="sr-only">Actions</span>,
      cellClassName: 'text-right',
      cell: (u) => (
        <div
          className="flex flex-wrap justify-end gap-1"
          role="group"
          aria-label={`Actions for ${u.username}`}
        >
          <Button size="sm" onClick={() => setDialog({ kind: 'grants', user: u })}>
            Grants
          </Button>
          <Button size="sm" onClick={() => setDialog({ kind: 'password', user: u })}>
            Reset password
          </Button>
          <Button
            size="sm"
            busy={disable.isPending && disable.variables?.id === u.id}
            onClick={() =>
              disable.mutate(
                { id: u.id, disabled: !u.disabled },
                { onError: failed(`Cannot ${u.disabled ? 'enable' : 'disable'} ${u.username}`) },
              )
            }
          >
            {u.disabled ? 'Enable' : 'Disable'}
          </Button>
          <Button size="sm" onClick={() => setDialog({ kind: 'delete', user: u })}>
            Delete
          </Button>
        </div>
      ),
    },
  ];

  return (
    <>
      <PageHeader
        title="Users"
        description="Who may log in, and what each may do where: roles over the whole console, a host, or the instances with a tag."
        actions={
          <Button variant="primary" onClick={() => setDialog({ kind: 'create' })}>
            New user
          </Button>
        }
      />
      <DataTable
        query={users}
        columns={columns}
        rowKey={(u) => u.id}
        caption="Users"
        loadingLabel="Loading users…"
        empty="No users"
      />
      {dialog?.kind === 'create' && <CreateUserDialog onClose={() => setDialog(null)} />}
      {dialog?.kind === 'grants' && (
        <GrantsDialog user={dialog.user} onClose={() => setDialog(null)} />
      )}
      {dialog?.kind === 'password' && (
        <PasswordDialog user={dialog.user} onClose={() => setDialog(null)} />
      )}
      {dialog?.kind === 'delete' && (
        <ConfirmDialog
          title={`Delete ${dialog.user.username}?`}
          confirmLabel="Delete"
          danger
          busy={del.isPending}
          onCancel={() => setDialog(null)}
          onConfirm={() =>
            del.mutate(dialog.user.id, {
              onSettled: () => setDialog(null),
              onError: failed(`Cannot delete ${dialog.user.username}`),
            })
          }
        >
          Their sessions and API tokens end at once, and their consoles close. The audit log keeps
          their name.
        </ConfirmDialog>
      )}
    </>
  );
}
