'use client';
import { useRef, useState, type FormEvent } from 'react';
import { CustomTemplateName } from '@berth/contracts';
import { Button } from '@/components/ui/Button';
import { UploadProgress } from '@/components/ui/ProgressBar';
import { TextField } from '@/components/ui/TextField';
import { FilePicker } from '@/components/ui/FilePicker';
import { useMe } from '@/queries/useAuth';
import { useImportTemplate } from '@/queries/useTemplates';
import { needs } from '@/lib/can';
import { errorText } from '@/lib/errorText';
import { toast } from '@/lib/toast';

const SUFFIX = '.berth-template.tar';

/**
 * Imports a container template exported by a Berth host (its Export button): a file and the
 * name it gets here, sent as the raw body with the upload's progress, cancellable.
 */
export function ImportTemplateForm() {
  const me = useMe().data;
  const [file, setFile] = useState<File | null>(null);
  const [name, setName] = useState('');
  const [progress, setProgress] = useState<number | null>(null);
  const abort = useRef<AbortController | null>(null);
  const input = useRef<HTMLInputElement>(null);
  const upload = useImportTemplate(setProgress);
  const checked = name ? CustomTemplateName.safeParse(name) : null;
  const nameError =
    checked && !checked.success ? (checked.error.issues[0]?.message ?? 'not a name') : null;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!file || !name || nameError) return;
    abort.current = new AbortController();
    setProgress(0);
    upload.mutate(
      { name, file, signal: abort.current.signal },
      {
        onSuccess: (t) => {
          toast({ tone: 'success', title: `Imported template ${t.name}` });
          setFile(null);
          setName('');
          if (input.current) input.current.value = '';
        },
        onError: (err) =>
          toast({ tone: 'error', title: `Import of ${name} failed`, body: errorText(err) }),
        onSettled: () => setProgress(null),
      },
    );
  };

  return (
    <form onSubmit={submit} className="card mb-4 space-y-3 p-4" aria-labelledby="import-template">
      <h2 id="import-template" className="font-semibold">
        Import a container template
      </h2>
      <p className="text-sm text-muted">
        A file exported from a template made from a container, on this host or another.
      </p>
      <div className="grid gap-3 sm:grid-cols-2">
        <FilePicker
          inputRef={input}
          accept={`${SUFFIX},.tar,application/x-tar`}
          onPick={(f) => {
            setFile(f);
            if (f && !name) setName(f.name.replace(SUFFIX, '').replace(/\.tar$/, ''));
          }}
        />
        <TextField
          label="Template name"
          value={name}
          onChange={setName}
          error={nameError ?? undefined}
        />
      </div>
      <UploadProgress fraction={progress} label="Import progress" />
      <div className="flex gap-2">
        <Button
          type="submit"
          variant="primary"
          busy={upload.isPending}
          disabledReason={
            needs(me, 'template.manage') ??
            (!file ? 'choose a file first' : !name ? 'name it' : nameError ? 'fix the name' : null)
          }
        >
          Import
        </Button>
        {upload.isPending && <Button onClick={() => abort.current?.abort()}>Cancel import</Button>}
      </div>
    </form>
  );
}
