// Relative, not '@/': its unit test runs under tsx from the repo root, which knows no web alias.
import { isApiError } from '../api/http';
import { TaskFailedError } from '../events/taskWatchers';

/** What to show for a failure: a sentence, and the raw words behind it when they differ. */
export interface ExplainedError {
  text: string;
  /** The server's or the host tool's own message, for a disclosure ("Details"); null when `text` says it all. */
  detail: string | null;
}

/** What a host tool was doing, in the operator's words; the agent's RunError names the tool. */
const TOOL_WORK: Record<string, string> = {
  'lxc-start': 'start the container',
  'lxc-stop': 'stop the container',
  'lxc-freeze': 'suspend the container',
  'lxc-unfreeze': 'resume the container',
  'lxc-attach': 'run the command in the container',
  'lxc-create': 'create the container',
  'lxc-destroy': 'remove the container',
  'lxc-cgroup': 'apply the limit',
  resize2fs: 'grow the disk',
  e2fsck: 'check the disk',
  losetup: 'attach the disk',
  mount: 'mount the disk',
  umount: 'unmount the disk',
  'qemu-img': 'work on the VM disk',
  'qemu-system-x86_64': 'start the VM',
  debootstrap: 'build the template',
  nft: 'set up the firewall',
  ip: 'set up the network',
};

/** The agent's RunError message: "<tool> exited <n>: <stderr>" or "<tool> timed out". */
const RUN_ERROR = /^(\S+) (?:exited (\d+)|timed out)/;

/** Fastify's validation answer: "invalid <params|querystring|body|headers>: <path>: <message>; …". */
const INVALID = /^invalid (params|querystring|body|headers|request): /;

const FETCH_FAILED = /failed to fetch|networkerror|load failed|network request failed/i;

function byCode(
  code: string,
  message: string,
  issues: readonly { path: string; message: string }[],
  status?: number,
): ExplainedError {
  const raw = { text: message, detail: null };
  switch (code) {
    case 'host_error': {
      const run = RUN_ERROR.exec(message);
      if (!run) return raw;
      const tool = run[1]!;
      const work = TOOL_WORK[tool] ?? 'carry this out';
      const text = run[2]
        ? `The host could not ${work}: ${tool} failed (exit code ${run[2]}).`
        : `The host could not ${work} in time: ${tool} took too long.`;
      return { text, detail: message };
    }
    case 'validation_error': {
      const where = INVALID.exec(message)?.[1];
      if (!where) return raw;
      if (where === 'params')
        return {
          text: 'This address does not name anything Berth knows: the id in it is malformed. Check the link.',
          detail: message,
        };
      if (where === 'querystring' || where === 'headers')
        return {
          text: 'The server did not accept how this page asked; reload the page and try again.',
          detail: message,
        };
      const named = issues
        .slice(0, 3)
        .map((i) => (i.path === '(root)' ? i.message : `${i.path}: ${i.message}`));
      return {
        text: named.length
          ? `Some values were not accepted (${named.join('; ')}${issues.length > 3 ? '; …' : ''}).`
          : 'Some values were not accepted.',
        detail: message,
      };
    }
    case 'agent_unreachable':
      return {
        text: "The host's agent is not answering; it may be restarting. Try again in a moment.",
        detail: message,
      };
    case 'agent_refused':
      return {
        text: "The host's agent refused the API's token: an administrator must fix the agent token.",
        detail: message,
      };
    case 'internal_error':
      return {
        text: 'Something went wrong inside Berth. The details below help a bug report.',
        detail: message,
      };
    case 'http_error':
      return {
        text: `The server answered with an error${status ? ` (HTTP ${status})` : ''}.`,
        detail: message,
      };
    default:
      // Domain errors (wrong state, conflict, not found, disk space…) are written as sentences.
      return raw;
  }
}

/**
 * Anything thrown or reported as failed (an API answer, a task that failed, a network error)
 * as a sentence for the page, keeping the raw words for a "Details" disclosure.
 */
export function explainError(error: unknown): ExplainedError {
  if (isApiError(error)) return byCode(error.code, error.message, error.issues, error.status);
  if (error instanceof TaskFailedError && error.task.error)
    return byCode(error.task.error.code, error.task.error.message, []);
  if (error instanceof Error) {
    if (FETCH_FAILED.test(error.message))
      return {
        text: 'The server cannot be reached: check the network, then try again.',
        detail: error.message,
      };
    return { text: error.message, detail: null };
  }
  if (
    typeof error === 'object' &&
    error !== null &&
    typeof (error as { code?: unknown }).code === 'string' &&
    typeof (error as { message?: unknown }).message === 'string'
  ) {
    // A task's own error ({code, message}), as the tasks list and the event stream carry it.
    const e = error as { code: string; message: string };
    return byCode(e.code, e.message, []);
  }
  return { text: String(error), detail: null };
}

/** The sentence to show for anything thrown (see explainError for the raw detail). */
export const errorText = (error: unknown): string => explainError(error).text;
