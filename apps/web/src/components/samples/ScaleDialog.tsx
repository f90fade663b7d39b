'use client';
import { useState, type FormEvent } from 'react';
import {
  MAX_SCALE_FACTOR,
  MIN_SCALE_FACTOR,
  type ConfigSample,
  type Limits,
} from '@berth/contracts';
import { Button } from '@/components/ui/Button';
import { Field } from '@/components/ui/Field';
import { Modal } from '@/components/ui/Modal';
import { errorText } from '@/lib/errorText';
import { describeLimits } from '@/lib/limitsForm';
import { useScaleLimits } from '@/queries/useSamples';

/** A sample times a factor, computed by the API (rounding and ranges are its rules). */
export function ScaleDialog({
  sample,
  onSave,
  onClose,
}: {
  sample: ConfigSample;
  onSave?: (start: { name: string; description: string; limits: Limits }) => void;
  onClose: () => void;
}) {
  const scale = useScaleLimits();
  const [factor, setFactor] = useState('2');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    scale.mutate({ limits: sample.limits, factor: Number(factor) });
  };
  return (
    <Modal title={`Scale ${sample.name}`} onClose={onClose}>
      <form onSubmit={submit} className="grid gap-3" noValidate aria-label="Scale">
        <p className="text-sm text-muted">Now: {describeLimits(sample.limits)}</p>
        <Field
          label="Factor"
          hint={`${MIN_SCALE_FACTOR} to ${MAX_SCALE_FACTOR}; sizes round to 16 MiB, CPU affinity stays`}
          error={scale.isError ? errorText(scale.error) : undefined}
        >
          {(a) => (
            <input
              {...a}
              className="input"
              inputMode="decimal"
              value={factor}
              onChange={(e) => setFactor(e.target.value)}
            />
          )}
        </Field>
        {scale.data && (
          <p className="card p-3 text-sm font-medium" aria-live="polite">
            Scaled: {describeLimits(scale.data)}
          </p>
        )}
        <div className="flex justify-end gap-2">
          <Button onClick={onClose}>Done</Button>
          <Button type="submit" busy={scale.isPending}>
            Compute
          </Button>
          {onSave && scale.data && (
            <Button
              variant="primary"
              onClick={() =>
                onSave({
                  name: `${sample.name}-x${factor}`.replace(/[^a-zA-Z0-9 _.-]/g, '-'),
                  description: `${sample.name} × ${factor}`,
                  limits: scale.data,
                })
              }
            >
              Save as sample…
            </Button>
          )}
        </div>
      </form>
    </Modal>
  );
}
