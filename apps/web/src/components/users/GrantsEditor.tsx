'use client';
import type { Grant, GrantScope, RoleInfo } from '@berth/contracts';
import { Button } from '@/components/ui/Button';

export type GrantRow = { role: string; scope: GrantScope; scopeValue: string };

const SCOPES: Array<[GrantScope, string]> = [
  ['all', 'Everything'],
  ['host', 'A host'],
  ['tag', 'Instances tagged'],
];

/** Grants as the form holds them, ready for the API ("all" carries no value). */
export const toGrants = (rows: GrantRow[]): Grant[] =>
  rows.map((r) => ({
    role: r.role,
    scope: r.scope,
    scopeValue: r.scope === 'all' ? '' : r.scopeValue.trim(),
  }));

/**
 * A user's grants: a role over everything, one host, or the instances with a tag. Scoped
 * grants give only the role's instance permissions there.
 */
export function GrantsEditor({
  rows,
  onChange,
  roles,
  hosts,
}: {
  rows: GrantRow[];
  onChange: (rows: GrantRow[]) => void;
  roles: RoleInfo[];
  hosts: Array<{ id: string; name: string }>;
}) {
  const set = (i: number, patch: Partial<GrantRow>) =>
    onChange(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  return (
    <fieldset>
      <legend className="label">Grants</legend>
      {rows.length === 0 && (
        <p className="text-sm text-muted">None: this user can log in and see nothing.</p>
      )}
      <ul className="grid gap-2" aria-label="Grants">
        {rows.map((r, i) => (
          <li key={i} className="flex flex-wrap items-center gap-2" aria-label={`Grant ${i + 1}`}>
            <select
              aria-label={`Role of grant ${i + 1}`}
              className="input w-auto"
              value={r.role}
              onChange={(e) => set(i, { role: e.target.value })}
            >
              {roles.map((role) => (
                <option key={role.id} value={role.id}>
                  {role.name}
                </option>
              ))}
            </select>
            <span className="text-sm text-muted">over</span>
            <select
              aria-label={`Scope of grant ${i + 1}`}
              className="input w-auto"
              value={r.scope}
              onChange={(e) => set(i, { scope: e.target.value as GrantScope, scopeValue: '' })}
            >
              {SCOPES.map(([v, label]) => (
                <option key={v} value={v}>
                  {label}
                </option>
              ))}
            </select>
            {r.scope === 'host' &&
              (hosts.length ? (
                <select
                  aria-label={`Host of grant ${i + 1}`}
                  className="input w-auto"
                  value={r.scopeValue}
                  onChange={(e) => set(i, { scopeValue: e.target.value })}
                >
                  <option value="">choose…</option>
                  {hosts.map((h) => (
                    <option key={h.id} value={h.id}>
                      {h.name}
                    </option>
                  ))}
                </select>
              ) : (
                <input
                  aria-label={`Host id of grant ${i + 1}`}
                  className="input w-56"
                  value={r.scopeValue}
                  onChange={(e) => set(i, { scopeValue: e.target.value })}
                />
              ))}
            {r.scope === 'tag' && (
              <input
                aria-label={`Tag of grant ${i + 1}`}
                placeholder="customer-a"
                className="input w-48"
                value={r.scopeValue}
                onChange={(e) => set(i, { scopeValue: e.target.value })}
              />
            )}
            <Button
              size="sm"
              variant="ghost"
              aria-label={`Remove grant ${i + 1}`}
              onClick={() => onChange(rows.filter((_, j) => j !== i))}
            >
              Remove
            </Button>
          </li>
        ))}
      </ul>
      <Button
        size="sm"
        className="mt-2"
        disabled={roles.length === 0}
        onClick={() =>
          onChange([...rows, { role: roles[0]?.id ?? 'operator', scope: 'all', scopeValue: '' }])
        }
      >
        Add grant
      </Button>
    </fieldset>
  );
}
