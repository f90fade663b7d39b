'use client';
import { createContext, useContext, useEffect, useRef, useState, type ReactNode } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import type { Instance, Me, Task } from '@berth/contracts';
import { fetchTask } from '@/api/tasks';
import { API } from '@/api/http';
import { authKeys, instanceKeys, taskKeys } from '@/queries/keys';
import { backoffDelay } from '@/lib/backoff';
import { taskTitle } from '@/lib/format';
import { taskHref, taskSummary } from '@/lib/taskSummary';
import { toast, toastStore } from '@/lib/toast';
import { applyEvent } from './applyEvent';
import { isFinished, taskWatchers } from './taskWatchers';

/** The event checker, once the first message has asked for it. */
let parser: Promise<typeof import('./parseEvent').parseEvent> | undefined;

export type StreamStatus = 'connecting' | 'live' | 'reconnecting';
const StatusContext = createContext<StreamStatus>('connecting');
export const useStreamStatus = () => useContext(StatusContext);

/** Only while the stream is down: a slow refetch so pages do not go stale. */
const FALLBACK_REFETCH_MS = 15_000;

/**
 * The app's ONE event stream (server-sent events on /api/v1/events). Writes events into
 * the query cache, feeds per-task callbacks, toasts the user's own finished tasks,
 * reconnects with capped backoff and refetches slowly only while it is down.
 */
export function EventStream({ me, children }: { me: Me; children: ReactNode }) {
  const qc = useQueryClient();
  const [status, setStatus] = useState<StreamStatus>('connecting');
  const meId = useRef(me.id);
  meId.current = me.id;
  useEffect(() => toastStore.bindUser(me.id), [me.id]);

  useEffect(() => {
    let es: EventSource | null = null;
    let retry: ReturnType<typeof setTimeout> | undefined;
    let fallback: ReturnType<typeof setInterval> | undefined;
    let attempt = 0;
    let everOpen = false;
    let stopped = false;
    const toasted = new Set<string>();

    const onTask = (task: Task) => {
      taskWatchers.feed(task);
      // Only the user's own tasks: others' work on the host is in the tasks list, not in the face.
      if (isFinished(task) && task.userId === meId.current && !toasted.has(task.id)) {
        toasted.add(task.id);
        const name = qc
          .getQueryData<Instance[]>(instanceKeys.list())
          ?.find((i) => i.id === task.instanceId)?.name;
        toast({
          tone: task.status === 'succeeded' ? 'success' : 'error',
          title: `${taskTitle(task.kind)}${name ? `: ${name}` : ''}`,
          body: taskSummary(task),
          href: taskHref(task.id),
        });
      }
    };

    const startFallback = () => {
      if (fallback) return;
      fallback = setInterval(() => {
        void qc.invalidateQueries({ queryKey: instanceKeys.all });
        void qc.invalidateQueries({ queryKey: taskKeys.lists() });
        for (const id of taskWatchers.pending()) fetchTask(id).then(onTask, () => {});
      }, FALLBACK_REFETCH_MS);
    };
    const stopFallback = () => {
      clearInterval(fallback);
      fallback = undefined;
    };

    const connect = () => {
      clearTimeout(retry);
      if (stopped) return;
      es?.close();
      es = new EventSource(`${API}/events`, { withCredentials: true });
      es.onopen = () => {
        attempt = 0;
        setStatus('live');
        stopFallback();
        // Events may have been missed while down: everything cached is suspect.
        if (everOpen) void qc.invalidateQueries();
        everOpen = true;
      };
      es.onmessage = (m: MessageEvent<string>) => {
        // The checker (zod and every schema an event names, ~100 KB of JS) is loaded with the
        // first message rather than with the first screen. Messages wait for it in order: the
        // callbacks of one promise run in the order they were added.
        parser ??= import('./parseEvent').then((p) => p.parseEvent);
        void parser.then(
          (parseEvent) => {
            const event = parseEvent(m.data);
            if (!event) return;
            applyEvent(qc, event);
            if (event.type === 'task') onTask(event.task);
          },
          () => {
            // The chunk did not load (the page's files replaced, the network gone): this
            // message is lost, as a malformed one is, and the next asks again.
            parser = undefined;
          },
        );
      };
      es.onerror = () => {
        es?.close();
        es = null;
        setStatus('reconnecting');
        startFallback();
        // A 401 also closes the stream: the session check decides whether to go to /login/.
        void qc.invalidateQueries({ queryKey: authKeys.me });
        retry = setTimeout(connect, backoffDelay(attempt++));
      };
    };

    // Back on the tab or the network: try at once rather than waiting out the backoff.
    const wake = () => {
      if (!es && !stopped && document.visibilityState === 'visible') {
        attempt = 0;
        connect();
      }
    };
    document.addEventListener('visibilitychange', wake);
    window.addEventListener('online', wake);
    connect();
    return () => {
      stopped = true;
      clearTimeout(retry);
      stopFallback();
      es?.close();
      document.removeEventListener('visibilitychange', wake);
      window.removeEventListener('online', wake);
    };
  }, [qc]);

  return <StatusContext.Provider value={status}>{children}</StatusContext.Provider>;
}
