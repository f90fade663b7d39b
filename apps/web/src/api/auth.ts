import type { Me } from '@berth/contracts';
import { http } from './http';

export const fetchMe = (signal?: AbortSignal) => http<Me>('/auth/me', { signal });
export const login = (username: string, password: string) =>
  http<Me>('/auth/login', { method: 'POST', body: { username, password } });
export const logout = () => http<void>('/auth/logout', { method: 'POST' });
