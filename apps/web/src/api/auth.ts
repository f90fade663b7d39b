import type {
  ApiToken,
  CreateApiToken,
  CreatedApiToken,
  Me,
  RecoveryCodes,
  SessionInfo,
  TotpEnrollment,
} from '@berth/contracts';
import { http } from './http';

export const fetchMe = (signal?: AbortSignal) => http<Me>('/auth/me', { signal });
/** `code`: a TOTP or recovery code, once the API has answered totp_required. */
export const login = (username: string, password: string, code?: string) =>
  http<Me>('/auth/login', { method: 'POST', body: { username, password, code } });
export const logout = () => http<void>('/auth/logout', { method: 'POST' });

export const changePassword = (currentPassword: string, newPassword: string) =>
  http<void>('/auth/password', { method: 'POST', body: { currentPassword, newPassword } });

export const enrollTotp = () => http<TotpEnrollment>('/auth/totp', { method: 'POST' });
export const confirmTotp = (code: string) =>
  http<RecoveryCodes>('/auth/totp/confirm', { method: 'POST', body: { code } });
export const disableTotp = (password: string) =>
  http<void>('/auth/totp/disable', { method: 'POST', body: { password } });

export const fetchSessions = (signal?: AbortSignal) =>
  http<{ items: SessionInfo[] }>('/auth/sessions', { signal }).then((r) => r.items);
export const endSession = (id: string) =>
  http<void>(`/auth/sessions/${encodeURIComponent(id)}`, { method: 'DELETE' });
export const endAllSessions = () => http<void>('/auth/sessions', { method: 'DELETE' });

export const fetchTokens = (signal?: AbortSignal) =>
  http<{ items: ApiToken[] }>('/auth/tokens', { signal }).then((r) => r.items);
export const createToken = (spec: CreateApiToken) =>
  http<CreatedApiToken>('/auth/tokens', { method: 'POST', body: spec });
export const deleteToken = (id: string) =>
  http<void>(`/auth/tokens/${encodeURIComponent(id)}`, { method: 'DELETE' });
