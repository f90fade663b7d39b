'use client';
import { useState, type FormEvent } from 'react';
import { Button } from '@/components/ui/Button';
import { TextField } from '@/components/ui/TextField';
import { saveErrors } from '@/lib/formErrors';
import { toast } from '@/lib/toast';
import { useChangePassword } from '@/queries/useAuth';
import { FormError } from '@/components/ui/FormError';

/** Change my password: needs the current one; my other sessions end. */
export function PasswordSection() {
  const change = useChangePassword();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const errors = change.isError ? saveErrors(change.error) : {};

  const submit = (e: FormEvent) => {
    e.preventDefault();
    change.mutate(
      { currentPassword: current, newPassword: next },
      {
        onSuccess: () => {
          setCurrent('');
          setNext('');
          toast({
            tone: 'success',
            title: 'Password changed',
            body: 'Your other sessions were logged out.',
          });
        },
      },
    );
  };

  return (
    <section aria-labelledby="password-h" className="card p-5">
      <h2 id="password-h" className="text-lg font-semibold">
        Password
      </h2>
      <form onSubmit={submit} className="mt-3 grid max-w-md gap-3" noValidate>
        <TextField
          type="password"
          label="Current password"
          error={errors.currentPassword}
          autoComplete="current-password"
          value={current}
          onChange={setCurrent}
        />
        <TextField
          type="password"
          label="New password"
          hint="At least 8 characters. Your other sessions end when it changes."
          error={errors.newPassword}
          autoComplete="new-password"
          value={next}
          onChange={setNext}
        />
        <FormError message={errors['(root)']} />
        <div>
          <Button
            type="submit"
            variant="primary"
            busy={change.isPending}
            disabled={!current || next.length < 8}
          >
            Change password
          </Button>
        </div>
      </form>
    </section>
  );
}
