'use client';
import { Moon, Sun, SunMoon, type LucideIcon } from 'lucide-react';
import { useEffect, useState } from 'react';

type Theme = 'system' | 'light' | 'dark';
const KEY = 'berth-theme';
const order: Theme[] = ['system', 'light', 'dark'];
const icon: Record<Theme, LucideIcon> = { system: SunMoon, light: Sun, dark: Moon };

function apply(theme: Theme) {
  const dark =
    theme === 'dark' || (theme === 'system' && matchMedia('(prefers-color-scheme: dark)').matches);
  document.documentElement.classList.toggle('dark', dark);
}

/** Cycles system → light → dark; "system" follows prefers-color-scheme live. */
export function ThemeToggle() {
  const [theme, setTheme] = useState<Theme>('system');
  useEffect(() => {
    const saved = localStorage.getItem(KEY);
    if (saved === 'light' || saved === 'dark') setTheme(saved);
  }, []);
  useEffect(() => {
    apply(theme);
    if (theme !== 'system') return;
    const mq = matchMedia('(prefers-color-scheme: dark)');
    const on = () => apply('system');
    mq.addEventListener('change', on);
    return () => mq.removeEventListener('change', on);
  }, [theme]);
  const next = order[(order.indexOf(theme) + 1) % order.length]!;
  const Icon = icon[theme];
  return (
    <button
      type="button"
      onClick={() => {
        setTheme(next);
        if (next === 'system') localStorage.removeItem(KEY);
        else localStorage.setItem(KEY, next);
      }}
      className="rounded-md p-1.5 text-muted hover:bg-slate-100 hover:text-fg dark:hover:bg-slate-800"
      aria-label={`Theme: ${theme}. Switch to ${next}`}
      title={`Theme: ${theme} (switch to ${next})`}
    >
      <Icon aria-hidden size={16} />
    </button>
  );
}
