'use client';
import { useState, type FormEvent } from 'react';
import {
  CONSOLE_WIDE_PERMISSIONS,
  INSTANCE_PERMISSIONS,
  type Permission,
  type RoleInfo,
} from '@berth/contracts';
import { Button } from '@/components/ui/Button';
import { DialogFooter } from '@/components/ui/DialogFooter';
import { ConfirmDialog } from '@/components/ui/ConfirmDialog';
import { DataTable, type Column } from '@/components/ui/DataTable';
import { Modal } from '@/components/ui/Modal';
import { PageHeader } from '@/components/ui/States';
import { errorText } from '@/lib/errorText';
import { saveErrors } from '@/lib/formErrors';
import { toast } from '@/lib/toast';
import { useCreateRole, useDeleteRole, useRoles, useUpdateRole } from '@/queries/useUsers';
import { TextField } from '@/components/ui/TextField';
import { PermissionChecks } from '@/components/ui/PermissionChecks';
import { FormError } from '@/components/ui/FormError';

const GROUPS: Array<[string, string, readonly Permission[]]> = [
  ['Instances', 'also grantable over a host or a tag', INSTANCE_PERMISSIONS],
  ['Console-wide', 'only count when granted over everything', CONSOLE_WIDE_PERMISSIONS],
];

/** Create a custom role, or edit one (`role` set). */
function RoleDialog({ role, onClose }: { role?: RoleInfo; onClose: () => void }) {
  const create = useCreateRole();
  const update = useUpdateRole();
  const save = role ? update : create;
  const [name, setName] = useState(role?.name ?? '');
  const [description, setDescription] = useState(role?.description ?? '');
  const [chosen, setChosen] = useState<Permission[]>(role?.permissions ?? ['instance.view']);
  const errors = save.isError ? saveErrors(save.error) : {};
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const spec = { name: name.trim(), description, permissions: chosen };
    const done = { onSuccess: onClose };
    if (role) update.mutate({ id: role.id, patch: spec }, done);
    else create.mutate(spec, done);
  };
  return (
    <Modal title={role ? `Edit ${role.name}` : 'New role'} onClose={onClose} wide>
      <form onSubmit={submit} className="grid gap-3" noValidate>
        <TextField label="Name" error={errors.name} value={name} onChange={setName} />
        <TextField
          label="Description"
          error={errors.description}
          value={description}
          onChange={setDescription}
        />
        {GROUPS.map(([title, hint, perms]) => (
          <fieldset key={title}>
            <legend className="label">
              {title} <span className="font-normal text-muted">({hint})</span>
            </legend>
            <PermissionChecks
              permissions={perms}
              chosen={chosen}
              setChosen={setChosen}
              className="sm:grid-cols-2"
            />
          </fieldset>
        ))}
        <FormError message={errors.permissions ?? errors['(root)']} />
        <DialogFooter
          onCancel={onClose}
          busy={save.isPending}
          disabled={!name.trim() || chosen.length === 0}
        >
          {role ? 'Save role' : 'Create role'}
        </DialogFooter>
      </form>
    </Modal>
  );
}

export default function RolesPage() {
  const roles = useRoles();
  const del = useDeleteRole();
  const [editing, setEditing] = useState<RoleInfo | 'new' | null>(null);
  const [deleting, setDeleting] = useState<RoleInfo | null>(null);

  const columns: Column<RoleInfo>[] = [
    {
      id: 'name',
      header: 'Role',
      cell: (r) => (
        <div>
          <span className="font-medium">{r.name}</span>
          {r.builtin && (
            <span className="ml-2 rounded-full bg-slate-200 px-2 py-0.5 text-xs dark:bg-slate-700">
              built-in
            </span>
          )}
          {r.description && <p className="text-xs text-muted">{r.description}</p>}
        </div>
      ),
    },
    {
      id: 'perms',
      header: 'Permissions',
      cell: (r) => (
        <details>
          <summary className="cursor-pointer text-sm">{r.permissions.length} permissions</summary>
          <p className="mt-1 max-w-xl font-mono text-xs">{r.permissions.join(', ')}</p>
        </details>
      ),
    },
    { id: 'grants', header: 'Granted', cell: (r) => `${r.grants}×` },
    {
      id: 'actions',
      header: <span className="sr-only">Actions</span>,
      cellClassName: 'text-right',
      cell: (r) =>
        r.builtin ? (
          <span className="text-xs text-muted">read-only</span>
        ) : (
          <div className="flex justify-end gap-1" role="group" aria-label={`Actions for ${r.name}`}>
            <Button size="sm" onClick={() => setEditing(r)}>
              Edit
            </Button>
            <Button
              size="sm"
              disabledReason={
                r.grants > 0 ? `granted ${r.grants}×: remove those grants first` : null
              }
              onClick={() => setDeleting(r)}
            >
              Delete
            </Button>
          </div>
        ),
    },
  ];

  return (
    <>
      <PageHeader
        title="Roles"
        description="What each role allows. The built-in roles are fixed; custom roles are made from the permission list."
        actions={
          <Button variant="primary" onClick={() => setEditing('new')}>
            New role
          </Button>
        }
      />
      <DataTable
        query={roles}
        columns={columns}
        rowKey={(r) => r.id}
        caption="Roles"
        loadingLabel="Loading roles…"
        empty="No roles"
      />
      {editing && (
        <RoleDialog
          role={editing === 'new' ? undefined : editing}
          onClose={() => setEditing(null)}
        />
      )}
      {deleting && (
        <ConfirmDialog
          title={`Delete ${deleting.name}?`}
          confirmLabel="Delete"
          danger
          busy={del.isPending}
          onCancel={() => setDeleting(null)}
          onConfirm={() =>
            del.mutate(deleting.id, {
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
          Nobody holds it; it goes for good.
        </ConfirmDialog>
      )}
    </>
  );
}
