'use client';
import { useState, type FormEvent } from 'react';
import { whyNot, type ExecResult, type Instance } from '@berth/contracts';
import { isApiError } from '@/api/http';
import { useExec } from '@/queries/useInstances';
import { splitArgv } from '@/lib/argv';
import { Button } from '@/components/ui/Button';
import { Field } from '@/components/ui/Field';
import { errorText } from '@/lib/errorText';

function Output({ label, text }: { label: string; text: string }) {
  if (!text) return null;
  return (
    <div>
      <h4 className="mb-1 text-xs font-semibold tracking-wide text-muted uppercase">{label}</h4>
      <pre
        // Scrollable, so focusable; a region, so its name is read out.
        role="region"
        tabIndex={0}
        aria-label={label}
        className="max-h-72 overflow-auto rounded-md border border-line bg-slate-50 p-2 font-mono text-xs whitespace-pre-wrap dark:bg-slate-900"
      >
        {text}
      </pre>
    </div>
  );
}

function Result({ result }: { result: ExecResult }) {
  const ok = result.exitCode === 0 && !result.timedOut;
  return (
    <div className="space-y-3" aria-live="polite">
      <p className="flex flex-wrap items-center gap-2 text-sm">
        <span
          className={`rounded-full px-2 py-0.5 text-xs font-medium ${
            ok
              ? 'bg-emerald-100 text-emerald-800 dark:bg-emerald-900/50 dark:text-emerald-200'
              : 'bg-red-100 text-red-800 dark:bg-red-900/50 dark:text-red-200'
          }`}
        >
          exit code {result.exitCode}
        </span>
        {result.timedOut && (
          <span className="rounded-full bg-amber-100 px-2 py-0.5 text-xs font-medium text-amber-900 dark:bg-amber-900/50 dark:text-amber-200">
            timed out
          </span>
        )}
        {!result.stdout && !result.stderr && <span className="text-muted">No output.</span>}
      </p>
      <Output label="Standard output" text={result.stdout} />
      <Output label="Standard error" text={result.stderr} />
    </div>
  );
}

/**
 * Runs one command in the instance, without a shell, and shows what it printed: a
 * container's own exec, or a VM's guest agent (the API answers 409 when it is not there).
 */
export function RunCommand({ instance }: { instance: Instance }) {
  const exec = useExec(instance.id);
  const [line, setLine] = useState('');
  const [timeout, setTimeoutSeconds] = useState('60');
  const [stdin, setStdin] = useState('');
  const [error, setError] = useState<string | null>(null);

  const cannotRun = whyNot(instance.kind, 'exec', instance.state);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const split = splitArgv(line);
    if ('error' in split) return setError(split.error);
    if (split.argv.length === 0) return setError('Type a command to run');
    const seconds = Number(timeout);
    if (!Number.isInteger(seconds) || seconds < 1 || seconds > 3600)
      return setError('The time limit is whole seconds from 1 to 3600');
    setError(null);
    exec.mutate({ command: split.argv, timeoutSeconds: seconds, stdin: stdin || undefined });
  };

  const failure =
    exec.isError &&
    (isApiError(exec.error) && exec.error.code === 'guest_agent_unavailable'
      ? `${errorText(exec.error)}. Commands in a VM run through the QEMU guest agent: install and start qemu-guest-agent in the guest.`
      : errorText(exec.error));

  return (
    <section aria-labelledby="run-cmd" className="card space-y-4 p-4 lg:col-span-2">
      <div>
        <h2 id="run-cmd" className="font-semibold">
          Run a command
        </h2>
        <p className="mt-1 text-sm text-muted">
          {instance.kind === 'vm'
            ? 'Runs in the guest through the QEMU guest agent'
            : 'Runs in the container'}
          , without a shell: quotes and backslashes group words, but pipes, variables and globs do
          nothing. For those, run <code className="font-mono">sh -c '…'</code>.
        </p>
        {instance.kind === 'vm' && instance.vm && !instance.vm.guestAgent && (
          <p className="mt-1 text-sm text-amber-800 dark:text-amber-300">
            The guest agent is not answering right now.
          </p>
        )}
      </div>
      <form onSubmit={submit} className="space-y-3" noValidate>
        <div className="flex flex-wrap items-end gap-2">
          <Field label="Command" error={error ?? undefined} className="min-w-0 flex-[1_1_20rem]">
            {(a) => (
              <input
                {...a}
                className="input font-mono"
                placeholder="cat /etc/os-release"
                autoComplete="off"
                spellCheck={false}
                value={line}
                onChange={(e) => setLine(e.target.value)}
              />
            )}
          </Field>
          <Field label="Time limit (s)" className="w-28">
            {(a) => (
              <input
                {...a}
                type="number"
                min={1}
                max={3600}
                className="input"
                value={timeout}
                onChange={(e) => setTimeoutSeconds(e.target.value)}
              />
            )}
          </Field>
          <Button type="submit" variant="primary" busy={exec.isPending} disabledReason={cannotRun}>
            Run
          </Button>
        </div>
        <details className="text-sm">
          <summary className="cursor-pointer text-muted hover:text-fg">
            Send it standard input
          </summary>
          <Field label="Standard input" className="mt-2">
            {(a) => (
              <textarea
                {...a}
                rows={3}
                className="input font-mono"
                value={stdin}
                onChange={(e) => setStdin(e.target.value)}
              />
            )}
          </Field>
        </details>
      </form>
      {failure && (
        <p role="alert" className="field-error">
          {failure}
        </p>
      )}
      {exec.data && !exec.isPending && <Result result={exec.data} />}
    </section>
  );
}
