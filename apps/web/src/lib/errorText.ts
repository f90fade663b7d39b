import { isApiError } from '@/api/http';

/** The sentence to show for anything thrown: the API's message, an Error's, or the value itself. */
export function errorText(error: unknown): string {
  if (isApiError(error)) return error.message;
  if (error instanceof Error) return error.message;
  return String(error);
}
