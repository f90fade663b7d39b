/**
 * What a browser on the API's own page sends after logging in: both cookies (the session and
 * its CSRF token), its Origin, and the token copied into the header, as the web UI does. Given
 * the login's answer and the API's base URL.
 */
export function browserSession(login: Response, baseUrl: string): Record<string, string> {
  const cookies = login.headers.getSetCookie().map((c) => c.split(';')[0] as string);
  const csrf = cookies.find((c) => c.startsWith('berth_csrf='))?.slice('berth_csrf='.length);
  if (!csrf) throw new Error(`the login set no CSRF cookie: ${cookies.join('; ')}`);
  return { cookie: cookies.join('; '), origin: new URL(baseUrl).origin, 'x-csrf-token': csrf };
}
