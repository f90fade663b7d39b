import { explainError } from '@/lib/errorText';

/** A failure as a sentence, with the server's or host tool's raw words folded away under "Details". */
export function ErrorMessage({ error, className = '' }: { error: unknown; className?: string }) {
  const { text, detail } = explainError(error);
  return (
    <div className={className}>
      <p className="break-words">{text}</p>
      {detail && (
        <details className="mt-1 text-xs">
          <summary className="cursor-pointer select-none opacity-80">Details</summary>
          <pre className="mt-1 max-h-40 overflow-auto font-mono break-words whitespace-pre-wrap">
            {detail}
          </pre>
        </details>
      )}
    </div>
  );
}
