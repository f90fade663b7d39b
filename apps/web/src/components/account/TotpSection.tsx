'use client';
import { toDataURL } from 'qrcode';
import { useEffect, useState, type FormEvent } from 'react';
import type { Me, TotpEnrollment } from '@berth/contracts';
import { Button } from '@/components/ui/Button';
import { Field } from '@/components/ui/Field';
import { TextField } from '@/components/ui/TextField';
import { Modal } from '@/components/ui/Modal';
import { saveErrors } from '@/lib/formErrors';
import { toast } from '@/lib/toast';
import { useConfirmTotp, useDisableTotp, useEnrollTotp } from '@/queries/useAuth';

/** The enrolment URI as a QR code image, made in the browser (the secret goes nowhere else). */
function QrCode({ uri }: { uri: string }) {
  const [src, setSrc] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    void toDataURL(uri, { margin: 1, width: 192 }).then((url) => live && setSrc(url));
    return () => {
      live = false;
    };
  }, [uri]);
  return src ? (
    <img
      src={src}
      width={192}
      height={192}
      alt="QR code of the TOTP secret"
      className="rounded bg-white"
    />
  ) : (
    <div className="h-48 w-48 animate-pulse rounded bg-slate-200 dark:bg-slate-700" />
  );
}

function Enrol({
  enrollment,
  onDone,
}: {
  enrollment: TotpEnrollment;
  onDone: (codes: string[]) => void;
}) {
  const confirm = useConfirmTotp();
  const [code, setCode] = useState('');
  const errors = confirm.isError ? saveErrors(confirm.error) : {};
  const submit = (e: FormEvent) => {
    e.preventDefault();
    confirm.mutate(code.trim(), { onSuccess: (r) => onDone(r.codes) });
  };
  return (
    <div className="mt-3 flex flex-wrap gap-6">
      <QrCode uri={enrollment.uri} />
      <form onSubmit={submit} className="grid max-w-sm content-start gap-3" noValidate>
        <p className="text-sm text-muted">
          Scan the code with an authenticator app, or type the secret into it:
        </p>
        <code
          className="rounded bg-slate-100 px-2 py-1 font-mono text-sm break-all dark:bg-slate-800"
          aria-label="TOTP secret"
        >
          {enrollment.secret}
        </code>
        <Field label="Code from the app" error={errors.code ?? errors['(root)']}>
          {(a) => (
            <input
              {...a}
              className="input font-mono"
              inputMode="numeric"
              autoComplete="one-time-code"
              maxLength={6}
              value={code}
              onChange={(e) => setCode(e.target.value)}
            />
          )}
        </Field>
        <div>
          <Button
            type="submit"
            variant="primary"
            busy={confirm.isPending}
            disabled={!/^\d{6}$/.test(code.trim())}
          >
            Turn on
          </Button>
        </div>
      </form>
    </div>
  );
}

/** Two-factor login: set up with a QR code, confirm with a code, recovery codes shown once. */
export function TotpSection({ me }: { me: Me }) {
  const enroll = useEnrollTotp();
  const disable = useDisableTotp();
  const [codes, setCodes] = useState<string[] | null>(null);
  const [password, setPassword] = useState('');
  const disableErrors = disable.isError ? saveErrors(disable.error) : {};

  return (
    <section aria-labelledby="totp-h" className="card p-5">
      <h2 id="totp-h" className="text-lg font-semibold">
        Two-factor login (TOTP)
      </h2>
      {me.totpEnabled ? (
        <form
          className="mt-3 grid max-w-md gap-3"
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            disable.mutate(password, {
              onSuccess: () => {
                setPassword('');
                toast({ tone: 'success', title: 'Two-factor login is off' });
              },
            });
          }}
        >
          <p className="text-sm">
            <span className="font-medium text-emerald-700 dark:text-emerald-300">On.</span> Logging
            in asks for a code from your app, or one of your recovery codes.
          </p>
          <TextField
            type="password"
            label="Password, to turn it off"
            error={disableErrors.password ?? disableErrors['(root)']}
            autoComplete="current-password"
            value={password}
            onChange={setPassword}
          />
          <div>
            <Button type="submit" variant="danger" busy={disable.isPending} disabled={!password}>
              Turn off
            </Button>
          </div>
        </form>
      ) : enroll.data ? (
        <Enrol
          enrollment={enroll.data}
          onDone={(c) => {
            enroll.reset();
            setCodes(c);
          }}
        />
      ) : (
        <div className="mt-3">
          <p className="mb-3 text-sm text-muted">
            Off. With it on, logging in also asks for a 6-digit code from an app on your phone.
          </p>
          <Button variant="primary" busy={enroll.isPending} onClick={() => enroll.mutate()}>
            Set up
          </Button>
        </div>
      )}
      {codes && (
        <Modal title="Your recovery codes" onClose={() => setCodes(null)}>
          <p className="text-sm text-muted">
            Each logs you in once in place of a code, if your phone is lost. They are shown only
            now: keep them somewhere safe.
          </p>
          <ul aria-label="Recovery codes" className="mt-3 grid grid-cols-2 gap-1 font-mono text-sm">
            {codes.map((c) => (
              <li key={c}>{c}</li>
            ))}
          </ul>
          <div className="mt-4 flex justify-end">
            <Button variant="primary" onClick={() => setCodes(null)}>
              I have saved them
            </Button>
          </div>
        </Modal>
      )}
    </section>
  );
}
