const colors = {
  sky: 'bg-sky-600',
  amber: 'bg-amber-500',
  red: 'bg-red-600',
  emerald: 'bg-emerald-600',
};

export function ProgressBar({
  value,
  label,
  tone = 'sky',
  className = '',
}: {
  /** 0–100; null for "busy, amount unknown". */
  value: number | null;
  label: string;
  tone?: keyof typeof colors;
  className?: string;
}) {
  return (
    <div
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={value ?? undefined}
      className={`h-2 w-full overflow-hidden rounded-full bg-slate-200 dark:bg-slate-700 ${className}`}
    >
      <div
        className={`h-full rounded-full ${colors[tone]} ${value == null ? 'w-1/3 animate-pulse' : 'transition-[width] duration-300'}`}
        style={value == null ? undefined : { width: `${Math.max(0, Math.min(100, value))}%` }}
      />
    </div>
  );
}

/** A use-of-capacity meter that turns amber, then red, as it fills. */
export function UsageBar({ used, total, label }: { used: number; total: number; label: string }) {
  const pct = total > 0 ? Math.round((used / total) * 100) : 0;
  return (
    <ProgressBar value={pct} label={label} tone={pct >= 90 ? 'red' : pct >= 75 ? 'amber' : 'sky'} />
  );
}

/** An upload's share sent so far, as a bar and its percentage; nothing before it starts. */
export function UploadProgress({ fraction, label }: { fraction: number | null; label: string }) {
  if (fraction === null) return null;
  const pct = Math.round(fraction * 100);
  return (
    <div className="flex items-center gap-2">
      <ProgressBar value={pct} label={label} />
      <span className="text-xs text-muted tabular-nums">{pct}%</span>
    </div>
  );
}
