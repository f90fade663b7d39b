'use client';
import { useState, type FormEvent } from 'react';
import type { CreatedApiToken, Me, Permission } from '@berth/contracts';
import { Button } from '@/components/ui/Button';
import { ConfirmDialog } from '@/components/ui/ConfirmDialog';
import { QueryView } from '@/components/ui/DataTable';
import { Field } from '@/components/ui/Field';
import { Modal } from '@/components/ui/Modal';
import { errorText } from '@/lib/errorText';
import { formatDate, formatRelative } from '@/lib/format';
import { saveErrors } from '@/lib/formErrors';
import { toast } from '@/lib/toast';
import { useCreateToken, useDeleteToken, useTokens } from '@/queries/useAuth';
import { TableHead } from '@/components/ui/TableHead';
import { TextField } from '@/components/ui/TextField';
import { PermissionChecks } from '@/components/ui/PermissionChecks';

/** Expiry choices, in minutes; '' never expires. One minute is there for trying things out. */
const EXPIRY: Array<[string, string]> = [
  ['1', '1 minute'],
  ['60', '1 hour'],
  ['1440', '1 day'],
  ['43200', '30 days'],
  ['525600', '1 year'],
  ['', 'Never'],
];

/** Every permission I hold somewhere: a token can have these at most. */
const heldBy = (me: Me): Permission[] => [...new Set(me.grants.flatMap((g) => g.permissions))];

function CreateToken({ me, onCreated }: { me: Me; onCreated: (t: CreatedApiToken) => void }) {
  const create = useCreateToken();
  const [name, setName] = useState('');
  const [expiry, setExpiry] = useState('43200');
  const [limit, setLimit] = useState(false);
  const [chosen, setChosen] = useState<Permission[]>([]);
  const errors = create.isError ? saveErrors(create.error) : {};
  const held = heldBy(me);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate(
      {
        name: name.trim(),
        expiresInMinutes: expiry ? Number(expiry) : undefined,
        permissions: limit ? chosen : undefined,
      },
      {
        onSuccess: (t) => {
          setName('');
          setChosen([]);
          setLimit(false);
          onCreated(t);
        },
      },
    );
  };

  return (
    <form
      onSubmit={submit}
      className="grid gap-3 md:grid-cols-[1fr_12rem_auto] md:items-start"
      noValidate
      aria-label="New API token"
    >
      <TextField
        label="Token name"
        hint="Letters, digits and _ . -"
        error={errors.name}
        value={name}
        onChange={setName}
      />
      <Field label="Expires after">
        {(a) => (
          <select
            {...a}
            className="input"
            value={expiry}
            onChange={(e) => setExpiry(e.target.value)}
          >
            {EXPIRY.map(([v, label]) => (
              <option key={label} value={v}>
                {label}
              </option>
            ))}
          </select>
        )}
      </Field>
      <div className="md:pt-6">
        <Button
          type="submit"
          variant="primary"
          busy={create.isPending}
          disabled={!name.trim() || (limit && chosen.length === 0)}
        >
          Create token
        </Button>
      </div>
      <fieldset className="md:col-span-3">
        <legend className="label">Permissions</legend>
        <label className="mr-4 inline-flex items-center gap-2 text-sm">
          <input
            type="radio"
            name="token-perms"
            checked={!limit}
            onChange={() => setLimit(false)}
          />
          All of mine (as they change)
        </label>
        <label className="inline-flex items-center gap-2 text-sm">
          <input type="radio" name="token-perms" checked={limit} onChange={() => setLimit(true)} />
          Only these:
        </label>
        {limit && (
          <PermissionChecks
            permissions={held}
            chosen={chosen}
            setChosen={setChosen}
            className="mt-2 sm:grid-cols-2 lg:grid-cols-3"
          />
        )}
      </fieldset>
      {errors['(root)'] && (
        <p role="alert" className="field-error md:col-span-3">
          {errors['(root)']}
        </p>
      )}
    </form>
  );
}

/** My API tokens: create (shown once), list with last use, revoke. */
export function TokensSection({ me }: { me: Me }) {
  const tokens = useTokens();
  const del = useDeleteToken();
  const [shown, setShown] = useState<CreatedApiToken | null>(null);
  const [revoke, setRevoke] = useState<{ id: string; name: string } | null>(null);
  const fromToken = me.via === 'token';

  return (
    <section aria-labelledby="tokens-h" className="card p-5">
      <h2 id="tokens-h" className="text-lg font-semibold">
        API tokens
      </h2>
      <p className="mt-1 mb-3 text-sm text-muted">
        For scripts: send <code className="font-mono">Authorization: Bearer &lt;token&gt;</code>. A
        token never has more than you: it loses what you lose.
      </p>
      {fromToken ? (
        <p className="text-sm text-muted">Tokens are made from a logged-in session.</p>
      ) : (
        <CreateToken me={me} onCreated={setShown} />
      )}
      <div className="mt-4">
        <QueryView query={tokens} loadingLabel="Loading tokens…" empty="No API tokens">
          {(rows) => (
            <table className="table-base" aria-label="API tokens">
              <TableHead
                columns={[
                  { label: 'Name' },
                  { label: 'Expires' },
                  { label: 'Last used' },
                  { label: 'Permissions', className: 'hidden lg:table-cell' },
                ]}
              />
              <tbody>
                {rows.map((t) => (
                  <tr key={t.id}>
                    <td className="font-medium">{t.name}</td>
                    <td title={t.expiresAt ? formatDate(t.expiresAt) : undefined}>
                      {t.expiresAt
                        ? Date.parse(t.expiresAt) < Date.now()
                          ? 'expired'
                          : formatRelative(t.expiresAt)
                        : 'never'}
                    </td>
                    <td>
                      {t.lastUsedAt ? (
                        <>
                          {formatRelative(t.lastUsedAt)}
                          <span className="ml-1 font-mono text-xs text-muted">{t.lastUsedIp}</span>
                        </>
                      ) : (
                        'never'
                      )}
                    </td>
                    <td className="hidden max-w-80 text-xs lg:table-cell">
                      {t.permissions ? (
                        <span className="font-mono">{t.permissions.join(', ')}</span>
                      ) : (
                        'all of mine'
                      )}
                    </td>
                    <td className="text-right">
                      <Button
                        size="sm"
                        aria-label={`Revoke ${t.name}`}
                        onClick={() => setRevoke(t)}
                      >
                        Revoke
                      </Button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </QueryView>
      </div>
      {shown && (
        <Modal title={`Token ${shown.name}`} onClose={() => setShown(null)} wide>
          <p className="text-sm text-muted">Copy it now: it is shown only this once.</p>
          <code
            aria-label="New token"
            className="mt-3 block rounded bg-slate-100 p-2 font-mono text-sm break-all dark:bg-slate-800"
          >
            {shown.token}
          </code>
          <div className="mt-4 flex justify-end">
            <Button variant="primary" onClick={() => setShown(null)}>
              Done
            </Button>
          </div>
        </Modal>
      )}
      {revoke && (
        <ConfirmDialog
          title={`Revoke ${revoke.name}?`}
          confirmLabel="Revoke"
          danger
          busy={del.isPending}
          onCancel={() => setRevoke(null)}
          onConfirm={() =>
            del.mutate(revoke.id, {
              onSettled: () => setRevoke(null),
              onError: (e) => toast({ tone: 'error', title: 'Cannot revoke', body: errorText(e) }),
            })
          }
        >
          Scripts using it stop working at once, and consoles it opened close.
        </ConfirmDialog>
      )}
    </section>
  );
}
