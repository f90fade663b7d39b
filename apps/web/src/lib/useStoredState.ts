'use client';
import { useCallback, useEffect, useState } from 'react';

/**
 * State kept in localStorage under `key` (JSON), read after mount so the static page and the
 * first client render agree. A value that no longer parses or fits falls back to `initial`.
 */
export function useStoredState<T>(
  key: string,
  initial: T,
  valid: (v: unknown) => v is T,
): [T, (next: T) => void] {
  const [value, setValue] = useState<T>(initial);
  useEffect(() => {
    try {
      const raw = localStorage.getItem(key);
      const parsed: unknown = raw === null ? undefined : JSON.parse(raw);
      if (valid(parsed)) setValue(parsed);
    } catch {
      // A hand-edited or foreign value: keep the default.
    }
    // `valid` is a fixed guard per key: reading once per key is the point.
  }, [key]);
  const set = useCallback(
    (next: T) => {
      setValue(next);
      localStorage.setItem(key, JSON.stringify(next));
    },
    [key],
  );
  return [value, set];
}
