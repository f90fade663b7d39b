'use client';
import { useState } from 'react';
import type { Instance, RecordingPolicy } from '@berth/contracts';
import { errorText } from '@/lib/errorText';
import { useRecordingPolicies, useSetRecording } from '@/queries/useRecordings';
import { useRoles } from '@/queries/useUsers';
import { Button } from '@/components/ui/Button';
import { QueryView } from '@/components/ui/DataTable';

/** "<hostId>/<instanceId>" → the instance's name, a role's id → its name, where still known. */
function describe(
  p: RecordingPolicy,
  instances: Map<string, Instance>,
  roles: Map<string, string>,
): string {
  if (p.scope === 'role')
    return `Every console opened by a user with the role ${roles.get(p.target) ?? p.target}`;
  const id = p.target.split('/')[1] ?? p.target;
  const name = instances.get(id)?.name;
  return `Every console of ${name ? `${name} (${id.slice(0, 8)})` : `instance ${id}`}`;
}

/** What is recorded, and (with recording.manage) turning it on or off per instance or role. */
export function RecordingPolicies({
  instances,
  canManage,
}: {
  instances: Instance[];
  canManage: boolean;
}) {
  const policies = useRecordingPolicies();
  const set = useSetRecording();
  const [instance, setInstance] = useState('');
  const [role, setRole] = useState('operator');
  const byId = new Map(instances.map((i) => [i.id, i]));
  const roles = useRoles();
  const roleNames = new Map((roles.data ?? []).map((r) => [r.id, r.name]));

  return (
    <section aria-labelledby="policies-title" className="mb-8 space-y-3">
      <h2 id="policies-title" className="text-lg font-semibold">
        What is recorded
      </h2>
      <p className="text-sm text-muted">
        A recorded console shows a “Recording” badge to whoever uses it. Shells and serial ports are
        kept as text (asciicast), a VM&apos;s screen as a picture every 2 seconds.
      </p>
      <QueryView query={policies} loadingLabel="Loading…" empty="Nothing is recorded.">
        {(rows) => (
          <ul className="divide-y divide-line rounded-lg border border-line">
            {rows.map((p) => (
              <li
                key={p.id}
                className="flex flex-wrap items-center justify-between gap-2 px-3 py-2"
              >
                <span className="text-sm">{describe(p, byId, roleNames)}</span>
                {canManage && (
                  <Button
                    size="sm"
                    busy={set.isPending && set.variables?.target === p.target}
                    onClick={() =>
                      set.mutate({
                        scope: p.scope,
                        target: p.scope === 'instance' ? (p.target.split('/')[1] ?? '') : p.target,
                        enabled: false,
                      })
                    }
                  >
                    Stop recording
                  </Button>
                )}
              </li>
            ))}
          </ul>
        )}
      </QueryView>
      {canManage && (
        <div className="flex flex-wrap gap-6">
          <form
            className="flex flex-wrap items-end gap-2"
            onSubmit={(e) => {
              e.preventDefault();
              if (instance) set.mutate({ scope: 'instance', target: instance, enabled: true });
            }}
          >
            <label className="flex flex-col gap-1 text-sm">
              Instance
              <select
                value={instance}
                onChange={(e) => setInstance(e.target.value)}
                className="rounded-md border border-line bg-surface px-2 py-1.5 text-sm"
              >
                <option value="">Choose…</option>
                {instances.map((i) => (
                  <option key={i.id} value={i.id}>
                    {i.name}
                  </option>
                ))}
              </select>
            </label>
            <Button type="submit" disabledReason={instance ? null : 'choose an instance first'}>
              Record its consoles
            </Button>
          </form>
          <form
            className="flex flex-wrap items-end gap-2"
            onSubmit={(e) => {
              e.preventDefault();
              set.mutate({ scope: 'role', target: role, enabled: true });
            }}
          >
            <label className="flex flex-col gap-1 text-sm">
              Role
              <select
                value={role}
                onChange={(e) => setRole(e.target.value)}
                className="rounded-md border border-line bg-surface px-2 py-1.5 text-sm"
              >
                {[...roleNames].map(([id, name]) => (
                  <option key={id} value={id}>
                    {name}
                  </option>
                ))}
              </select>
            </label>
            <Button type="submit">Record its users&apos; consoles</Button>
          </form>
        </div>
      )}
      {set.isError && (
        <p role="alert" className="text-sm text-red-700 dark:text-red-300">
          {errorText(set.error)}
        </p>
      )}
    </section>
  );
}
