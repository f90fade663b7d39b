import { ApiError, csrfHeader, errorFrom, url } from './http';

/**
 * Builds a host's problem report (with the chosen instances' configs) and hands it to the browser
 * as a download. A POST, so it is fetched rather than linked: the CSRF header must go with it.
 */
export async function downloadProblemReport(hostId: string, instanceIds: string[]): Promise<void> {
  let res: Response;
  try {
    res = await fetch(url(`/hosts/${encodeURIComponent(hostId)}/problem-report`), {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json', ...csrfHeader() },
      body: JSON.stringify({ instanceIds }),
    });
  } catch {
    throw new ApiError(0, 'network_error', 'the server cannot be reached');
  }
  if (!res.ok) throw errorFrom(res.status, await res.text());
  const name =
    /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1] ??
    'berth-problem-report.tar.gz';
  const href = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = href;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  // After the click has handed the blob to the download; revoking at once can cancel it.
  setTimeout(() => URL.revokeObjectURL(href), 60_000);
}
