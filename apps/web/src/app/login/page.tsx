'use client';
import { useRouter } from 'next/navigation';
import { useEffect, useState, type FormEvent } from 'react';
import { useLogin, useMe } from '@/queries/useAuth';
import { Button } from '@/components/ui/Button';
import { errorText } from '@/lib/errorText';
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

  useEffect(() => {
    if (me.data) router.replace(safeNext());
  }, [me.data, router]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    login.mutate({ username, password });
  };

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
          {login.isError && (
            <p role="alert" className="field-error">
              {errorText(login.error)}
            </p>
          )}
          <Button
            type="submit"
            variant="primary"
            className="w-full"
            busy={login.isPending}
            disabled={!username || !password}
          >
            Log in
          </Button>
        </form>
      </div>
    </main>
  );
}
