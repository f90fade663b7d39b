/** Berth's mark: a container and a VM moored side by side at a pier (public/favicon.svg). */
export function Logo({ className = 'h-7 w-7' }: { className?: string }) {
  return (
    <svg viewBox="0 0 32 32" aria-hidden className={className}>
      <rect width="32" height="32" rx="7" fill="#0369a1" />
      <rect x="6" y="9" width="9" height="9" rx="1.5" fill="#e0f2fe" />
      <rect x="17" y="6" width="9" height="12" rx="1.5" fill="#7dd3fc" />
      <path d="M4 21.5h24" stroke="#f8fafc" strokeWidth="2.5" strokeLinecap="round" />
      <path d="M8 22v5M16 22v5M24 22v5" stroke="#f8fafc" strokeWidth="2" strokeLinecap="round" />
    </svg>
  );
}
