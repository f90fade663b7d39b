import type { LimitValidation } from '@berth/contracts';

/** Limit problems, each with what is wrong and its fix. */
export function ProblemList({
  problems,
  title,
}: {
  problems: LimitValidation['problems'];
  title: string;
}) {
  return (
    <div
      role="alert"
      className="rounded-lg border border-amber-300 bg-amber-50 p-3 text-sm text-amber-950 dark:border-amber-800 dark:bg-amber-950/40 dark:text-amber-100"
    >
      <p className="font-medium">
        {title}: {problems.length} problem{problems.length === 1 ? '' : 's'}
      </p>
      <ul className="mt-1 space-y-1">
        {problems.map((p) => (
          <li key={`${p.path} ${p.message}`}>
            <span className="font-mono text-xs">{p.path}</span>: {p.message}.{' '}
            <span className="font-medium">Fix:</span> {p.fix}.
          </li>
        ))}
      </ul>
    </div>
  );
}
