'use client';
import Link from 'next/link';
import { Fragment, useState } from 'react';
import type { AuditEvent, AuditListItem } from '@berth/contracts';
import { formatDate } from '@/lib/format';
import { recordingLinkOf } from '@/lib/recordings';

const tone = {
  success: 'text-emerald-800 dark:text-emerald-300',
  failure: 'text-red-700 dark:text-red-300',
  denied: 'text-amber-800 dark:text-amber-300',
};

const cell = 'px-2 py-1';

/**
 * A call that ran as a task is accepted first and ends later, in a row of its own; each of its
 * rows says how the task ended, so the call's row does not look like a success that failed.
 */
function Outcome({ event }: { event: AuditEvent }) {
  const ended = event.taskOutcome && event.taskOutcome !== event.outcome ? event.taskOutcome : null;
  return (
    <span className={`font-medium ${tone[ended ?? event.outcome]}`}>
      {event.outcome}
      {ended && <span className="font-normal"> · task {ended}</span>}
    </span>
  );
}

const shown = (v: unknown) =>
  v === undefined ? '—' : typeof v === 'string' ? v : JSON.stringify(v);

/** Each changed field: its value before (struck, red) and after (green). */
export function AuditDiff({ event }: { event: AuditEvent }) {
  const fields = [
    ...new Set([...Object.keys(event.before ?? {}), ...Object.keys(event.after ?? {})]),
  ];
  if (fields.length === 0) return null;
  return (
    <table className="w-auto text-xs" aria-label="What changed">
      <thead>
        <tr className="text-muted">
          <th scope="col" className="pr-4 text-left font-semibold">
            Field
          </th>
          <th scope="col" className="pr-4 text-left font-semibold">
            Before
          </th>
          <th scope="col" className="text-left font-semibold">
            After
          </th>
        </tr>
      </thead>
      <tbody className="font-mono">
        {fields.map((f) => (
          <tr key={f}>
            <th scope="row" className="pr-4 text-left font-medium tracking-normal normal-case">
              {f}
            </th>
            <td className="pr-4">
              <del className="rounded bg-red-50 px-1 text-red-800 dark:bg-red-950/50 dark:text-red-200">
                {shown(event.before?.[f])}
              </del>
            </td>
            <td>
              <ins className="rounded bg-emerald-50 px-1 text-emerald-800 no-underline dark:bg-emerald-950/50 dark:text-emerald-200">
                {shown(event.after?.[f])}
              </ins>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Details({ event }: { event: AuditEvent }) {
  const recording = recordingLinkOf(event);
  return (
    <div className="flex flex-wrap gap-x-8 gap-y-3 py-1">
      <AuditDiff event={event} />
      {event.detail !== null && (
        <pre className="max-w-xl text-xs break-all whitespace-pre-wrap">
          {JSON.stringify(event.detail, null, 2)}
        </pre>
      )}
      <dl className="grid grid-cols-[auto_1fr] gap-x-3 text-xs text-muted">
        <dt>Row</dt>
        <dd className="font-mono">#{event.seq}</dd>
        {event.taskId && (
          <>
            <dt>Task</dt>
            <dd className="font-mono">{event.taskId}</dd>
          </>
        )}
        {event.userId && (
          <>
            <dt>User id</dt>
            <dd className="font-mono">{event.userId}</dd>
          </>
        )}
        <dt>From</dt>
        <dd>{event.ip ?? '—'}</dd>
        {recording && (
          <>
            <dt>Recording</dt>
            <dd>
              <Link href={recording} className="text-sky-700 hover:underline dark:text-sky-300">
                Replay this console session
              </Link>
            </dd>
          </>
        )}
      </dl>
    </div>
  );
}

/** A row standing for a run of identical events: how many, and over what time. */
function Repeats({ event }: { event: AuditListItem }) {
  if (event.count < 2) return null;
  return (
    <p className="mb-2 text-sm">
      {event.count.toLocaleString()} identical events from {formatDate(event.firstAt)} to{' '}
      {formatDate(event.at)} (rows {event.firstSeq}–{event.seq}), shown as one; the chain and the
      export keep each.
    </p>
  );
}

/**
 * The log, dense; a row opens to show what changed (before → after) and its detail. A run of
 * identical events (a script failing a login 50 times) is one row with its count.
 */
export function AuditTable({ events }: { events: AuditListItem[] }) {
  const [open, setOpen] = useState<ReadonlySet<string>>(new Set());
  const toggle = (id: string) =>
    setOpen((was) => {
      const next = new Set(was);
      if (!next.delete(id)) next.add(id);
      return next;
    });
  return (
    <div
      className="card overflow-x-auto"
      role="region"
      aria-label="Audit events table"
      tabIndex={0}
    >
      <table className="table-base">
        <caption className="sr-only">Audit events</caption>
        <thead>
          <tr>
            <th scope="col" className={cell}>
              <span className="sr-only">Details</span>
            </th>
            <th scope="col" className={cell}>
              When
            </th>
            <th scope="col" className={cell}>
              Who
            </th>
            <th scope="col" className={cell}>
              Action
            </th>
            <th scope="col" className={cell}>
              Object
            </th>
            <th scope="col" className={cell}>
              Outcome
            </th>
            <th scope="col" className={`${cell} hidden md:table-cell`}>
              From
            </th>
          </tr>
        </thead>
        <tbody>
          {events.map((e) => {
            const expanded = open.has(e.id);
            const changed = e.before !== null || e.after !== null;
            return (
              <Fragment key={e.id}>
                <tr>
                  <td className={cell}>
                    <button
                      type="button"
                      className="rounded px-1 text-muted hover:bg-slate-100 dark:hover:bg-slate-800"
                      aria-expanded={expanded}
                      aria-label={`Details of row ${e.seq}`}
                      onClick={() => toggle(e.id)}
                    >
                      {expanded ? '▾' : '▸'}
                    </button>
                  </td>
                  <td className={`${cell} text-xs whitespace-nowrap text-muted`}>
                    {formatDate(e.at)}
                    {e.count > 1 && <div>since {formatDate(e.firstAt)}</div>}
                  </td>
                  <td className={`${cell} max-w-[12rem] truncate`} title={e.actor}>
                    {e.actor}
                  </td>
                  <td className={`${cell} font-mono text-xs whitespace-nowrap`}>
                    {e.action}
                    {e.count > 1 && (
                      <span
                        className="ml-1 rounded bg-amber-100 px-1 font-sans font-semibold text-amber-900 dark:bg-amber-900/50 dark:text-amber-100"
                        aria-label={`${e.count} times`}
                      >
                        ×{e.count.toLocaleString()}
                      </span>
                    )}
                    {changed && (
                      <span className="ml-1 rounded bg-sky-100 px-1 text-sky-900 dark:bg-sky-900/50 dark:text-sky-100">
                        diff
                      </span>
                    )}
                  </td>
                  <td
                    className={`${cell} max-w-[14rem] truncate text-xs`}
                    title={e.targetId ?? undefined}
                  >
                    {e.targetType}
                    {e.targetId ? ` ${e.targetId}` : ''}
                  </td>
                  <td className={`${cell} text-sm whitespace-nowrap`}>
                    <Outcome event={e} />
                  </td>
                  <td className={`${cell} hidden text-xs text-muted md:table-cell`}>
                    {e.ip ?? '—'}
                  </td>
                </tr>
                {expanded && (
                  <tr>
                    <td />
                    <td colSpan={6} className={`${cell} bg-slate-50 dark:bg-slate-900/40`}>
                      <Repeats event={e} />
                      <Details event={e} />
                    </td>
                  </tr>
                )}
              </Fragment>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
