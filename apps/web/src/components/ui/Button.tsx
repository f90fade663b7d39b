import type { ButtonHTMLAttributes } from 'react';

const variants = {
  primary: 'bg-sky-700 text-white hover:bg-sky-800 border-transparent',
  secondary: 'bg-surface text-fg border-line hover:bg-slate-100 dark:hover:bg-slate-800',
  danger: 'bg-red-700 text-white hover:bg-red-800 border-transparent',
  ghost: 'bg-transparent text-fg border-transparent hover:bg-slate-100 dark:hover:bg-slate-800',
};

export type ButtonProps = ButtonHTMLAttributes<HTMLButtonElement> & {
  variant?: keyof typeof variants;
  size?: 'sm' | 'md';
  /** Why it is disabled: shown as a tooltip and given as the accessible description. */
  disabledReason?: string | null;
  busy?: boolean;
};

export function Button({
  variant = 'secondary',
  size = 'md',
  disabledReason,
  busy,
  className = '',
  disabled,
  title,
  type = 'button',
  children,
  ...rest
}: ButtonProps) {
  const off = disabled || !!disabledReason || busy;
  return (
    <button
      type={type}
      disabled={off}
      title={disabledReason ?? title}
      aria-description={disabledReason ?? undefined}
      aria-busy={busy || undefined}
      className={`inline-flex items-center justify-center gap-1.5 rounded-md border font-medium whitespace-nowrap transition-colors disabled:cursor-not-allowed disabled:opacity-50 ${
        size === 'sm' ? 'px-2.5 py-1 text-sm' : 'px-3.5 py-2 text-sm'
      } ${variants[variant]} ${className}`}
      {...rest}
    >
      {busy && <Spinner />}
      {children}
    </button>
  );
}

export function Spinner({ label }: { label?: string }) {
  return (
    <span
      role={label ? 'status' : undefined}
      aria-label={label}
      className="inline-block h-3.5 w-3.5 animate-spin rounded-full border-2 border-current border-r-transparent"
    />
  );
}
