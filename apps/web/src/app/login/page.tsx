'use client';
import { useRouter } from 'next/navigation';
import { useEffect, useState, type FormEvent } from 'react';
import { useLogin, useMe } from '@/queries/useAuth';
import { Button } from '@/components/ui/Button';
import { errorText } from '@/lib/errorText';
import { isApiError } from '@/api/http';
import { ThemeToggle } from '@/components/shell/ThemeToggle';

/** Only same-site paths: ?next= must not send the user elsewhere. */
function safeNext(): string {
  const next = new URLSearchParams(window.location.search).get('next');
  return next && next.startsWith('/') && !next.startsWith('//') ? next : '/';
}

export default function LoginPage() {
  const router = useRouter();
  const me = useMe();
  const login = useLogin();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  // The API answered totp_required: the password was right, the second factor is asked for.
  const [askCode, setAskCode] = useState(false);

  useEffect(() => {
    if (me.data) router.replace(safeNext());
  }, [me.data, router]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    login.mutate(
      { username, password, code: askCode ? code.trim().toLowerCase() : undefined },
      {
        onError: (err) => {
          if (isApiError(err) && err.code === 'totp_required') setAskCode(true);
        },
      },
    );
  };
  const codeAsked = isApiError(login.error) && login.error.code === 'totp_required';

  return (
    <main className="grid min-h-screen place-items-center p-4">
      <div className="absolute top-4 right-4">
        <ThemeToggle />
      </div>
      <div className="card w-full max-w-sm p-6">
        <div className="mb-6 flex items-center gap-2">
          <span
            aria-hidden
            className="grid h-8 w-8 place-items-center rounded-md bg-sky-700 text-white"
          >
            B
          </span>
          <h1 className="text-xl font-semibold">Log in to Berth</h1>
        </div>
        <form onSubmit={submit} className="space-y-4" noValidate>
          <div>
            <label htmlFor="username" className="label">
              Username
            </label>
            <input
              id="username"
              className="input"
              autoComplete="username"
              autoFocus
              required
              value={username}
              onChange={(e) => setUsername(e.target.value)}
            />
          </div>
          <div>
            <label htmlFor="password" className="label">
              Password
            </label>
            <input
              id="password"
              type="password"
              className="input"
              autoComplete="current-password"
              required
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
          </div>
          {askCode && (
            <div>
              <label htmlFor="code" className="label">
                Authentication code
              </label>
              <input
                id="code"
                className="input font-mono"
                inputMode="text"
                autoComplete="one-time-code"
                autoFocus
                aria-describedby="code-hint"
                value={code}
                onChange={(e) => setCode(e.target.value)}
              />
              <p id="code-hint" className="mt-1 text-xs text-muted">
                The 6 digits from your authenticator app, or one of your recovery codes.
              </p>
            </div>
          )}
          {login.isError && !codeAsked && (
            <p role="alert" className="field-error">
              {errorText(login.error)}
            </p>
          )}
          <Button
            type="submit"
            variant="primary"
            className="w-full"
            busy={login.isPending}
            disabled={!username || !password || (askCode && !code.trim())}
          >
            Log in
          </Button>
        </form>
      </div>
    </main>
  );
}
