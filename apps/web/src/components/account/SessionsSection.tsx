'use client';
import { useRouter } from 'next/navigation';
import { Button } from '@/components/ui/Button';
import { QueryView } from '@/components/ui/DataTable';
import { errorText } from '@/lib/errorText';
import { formatRelative } from '@/lib/format';
import { toast } from '@/lib/toast';
import { useEndAllSessions, useEndSession, useSessions } from '@/queries/useAuth';
import { TableHead } from '@/components/ui/TableHead';

/** My logins: where from, last seen; end one, or all of them. */
export function SessionsSection() {
  const router = useRouter();
  const sessions = useSessions();
  const end = useEndSession();
  const endAll = useEndAllSessions();
  const failed = (e: unknown) =>
    toast({ tone: 'error', title: 'Cannot end the session', body: errorText(e) });

  return (
    <section aria-labelledby="sessions-h" className="card p-5">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h2 id="sessions-h" className="text-lg font-semibold">
          Sessions
        </h2>
        <Button
          variant="danger"
          size="sm"
          busy={endAll.isPending}
          onClick={() =>
            endAll.mutate(undefined, {
              onSuccess: () => router.replace('/login/'),
              onError: failed,
            })
          }
        >
          Log out everywhere
        </Button>
      </div>
      <div className="mt-3">
        <QueryView query={sessions} loadingLabel="Loading sessions…" empty="No sessions">
          {(rows) => (
            <table className="table-base" aria-label="Sessions">
              <TableHead
                columns={[
                  { label: 'Browser' },
                  { label: 'Address' },
                  { label: 'Last seen' },
                  { label: 'Started', className: 'hidden md:table-cell' },
                ]}
              />
              <tbody>
                {rows.map((s) => (
                  <tr key={s.id}>
                    <td>
                      <span
                        className="inline-block max-w-64 truncate align-bottom"
                        title={s.userAgent ?? undefined}
                      >
                        {s.userAgent ?? 'unknown'}
                      </span>
                      {s.current && (
                        <span className="ml-2 rounded-full bg-sky-100 px-2 py-0.5 text-xs text-sky-900 dark:bg-sky-900/50 dark:text-sky-100">
                          this one
                        </span>
                      )}
                    </td>
                    <td className="font-mono text-xs">{s.ip ?? '—'}</td>
                    <td>{formatRelative(s.lastSeenAt)}</td>
                    <td className="hidden md:table-cell">{formatRelative(s.createdAt)}</td>
                    <td className="text-right">
                      <Button
                        size="sm"
                        busy={end.isPending && end.variables === s.id}
                        aria-label={`End session from ${s.ip ?? 'unknown address'}${s.current ? ' (this one)' : ''}`}
                        onClick={() =>
                          end.mutate(s.id, {
                            // Ending this very session logs this browser out: start afresh at the login page.
                            onSuccess: () => s.current && window.location.assign('/login/'),
                            onError: failed,
                          })
                        }
                      >
                        End
                      </Button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </QueryView>
      </div>
    </section>
  );
}
