'use client';
import Link from 'next/link';
import { useRouter, useSearchParams } from 'next/navigation';
import { Suspense, useMemo, useState } from 'react';
import type { Recording } from '@berth/contracts';
import { castUrl } from '@/api/recordings';
import { parseCast } from '@/lib/asciicast';
import { can } from '@/lib/can';
import { formatBytes, formatDate, formatDuration } from '@/lib/format';
import { recordingSeconds } from '@/lib/recordings';
import { useMe } from '@/queries/useAuth';
import { useInstance } from '@/queries/useInstances';
import {
  useCast,
  useDeleteRecording,
  useFrames,
  useRecording,
  useRecordings,
} from '@/queries/useRecordings';
import { CastPlayer } from '@/components/console/CastPlayer';
import { FramePlayer } from '@/components/console/FramePlayer';
import { Button } from '@/components/ui/Button';
import { ConfirmDialog } from '@/components/ui/ConfirmDialog';
import { ErrorState, LoadingState, PageHeader } from '@/components/ui/States';

const KIND = { shell: 'shell', serial: 'serial port', vnc: 'screen' } as const;

function CastReplay({ recording }: { recording: Recording }) {
  const text = useCast(recording.id, true);
  const cast = useMemo(() => {
    if (!text.data) return null;
    try {
      return parseCast(text.data);
    } catch (e) {
      return e as Error;
    }
  }, [text.data]);
  if (text.isError)
    return <ErrorState title="The recording could not be read" error={text.error} />;
  if (!cast) return <LoadingState label="Loading the recording…" />;
  if (cast instanceof Error)
    return <ErrorState title="The recording could not be read" error={cast} />;
  return <CastPlayer cast={cast} label={`Replay of the ${KIND[recording.kind]}`} />;
}

function FramesReplay({ recording }: { recording: Recording }) {
  const frames = useFrames(recording.id, true);
  if (frames.isError)
    return <ErrorState title="The recording could not be read" error={frames.error} />;
  if (!frames.data) return <LoadingState label="Loading the recording…" />;
  const last = frames.data.at(-1)?.t ?? 0;
  return (
    <FramePlayer
      recordingId={recording.id}
      frames={frames.data}
      duration={Math.max(recordingSeconds(recording) ?? 0, last)}
      label="Replay of the screen"
    />
  );
}

/** The audit log links a console session's row here by its id: its recording, if it has one. */
function RecordingOfSession({ auditId }: { auditId: string }) {
  const q = useRecordings({ auditId });
  if (q.isPending) return <LoadingState label="Finding the recording…" />;
  if (q.isError) return <ErrorState title="This recording cannot be shown" error={q.error} />;
  const found = q.data[0];
  if (!found) {
    return (
      <ErrorState
        title="No recording"
        error="This console session was not recorded, or its recording was deleted."
      />
    );
  }
  return <RecordingView id={found.id} />;
}

function RecordingView({ id }: { id: string }) {
  const router = useRouter();
  const me = useMe();
  const q = useRecording(id);
  const instance = useInstance(q.data?.instanceId ?? null);
  const remove = useDeleteRecording();
  const [confirming, setConfirming] = useState(false);

  if (q.isPending) return <LoadingState label="Loading the recording…" />;
  if (q.isError) return <ErrorState title="This recording cannot be shown" error={q.error} />;
  const r = q.data;
  const name = instance.data?.name ?? r.instanceId;
  const seconds = recordingSeconds(r);

  return (
    <>
      <p className="mb-2 text-sm">
        <Link href="/recordings/" className="text-sky-700 hover:underline dark:text-sky-300">
          ← Recordings
        </Link>
      </p>
      <PageHeader
        title={`${r.actor} on ${name}`}
        description={`The ${KIND[r.kind]}, ${formatDate(r.startedAt)}; ${
          seconds === null ? 'still open' : formatDuration(seconds)
        }, ${formatBytes(r.bytes)}.`}
        actions={
          <div className="flex gap-2">
            {r.format === 'asciicast-v2' && (
              <a
                href={castUrl(r.id)}
                download={`recording-${r.id}.cast`}
                className="rounded-md border border-line px-3 py-1.5 text-sm font-medium hover:bg-slate-100 dark:hover:bg-slate-800"
              >
                Download .cast
              </a>
            )}
            {can(me.data, 'recording.manage') && (
              <Button
                variant="danger"
                size="sm"
                disabledReason={r.endedAt ? null : 'the console is still open'}
                onClick={() => setConfirming(true)}
              >
                Delete
              </Button>
            )}
          </div>
        }
      />
      {r.format === 'asciicast-v2' ? <CastReplay recording={r} /> : <FramesReplay recording={r} />}
      {confirming && (
        <ConfirmDialog
          title="Delete this recording?"
          confirmLabel="Delete"
          danger
          busy={remove.isPending}
          onCancel={() => setConfirming(false)}
          onConfirm={() => remove.mutate(r.id, { onSuccess: () => router.push('/recordings/') })}
        >
          The replay of this session is gone for good; its audit rows stay.
        </ConfirmDialog>
      )}
    </>
  );
}

function RecordingPageBody() {
  const params = useSearchParams();
  const id = params.get('id');
  const auditId = params.get('auditId');
  if (id) return <RecordingView id={id} />;
  if (auditId) return <RecordingOfSession auditId={auditId} />;
  return <ErrorState title="No recording chosen" error="Open one from the recordings list." />;
}

export default function RecordingPage() {
  return (
    <Suspense fallback={<LoadingState />}>
      <RecordingPageBody />
    </Suspense>
  );
}
