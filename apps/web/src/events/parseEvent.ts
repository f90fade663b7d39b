import { ApiEvent } from '@berth/contracts';

/**
 * One message of the stream, checked against the contract. A malformed one is logged and
 * dropped: writing it into the cache would break every page that reads the instance.
 */
export function parseEvent(data: string): ApiEvent | null {
  let json: unknown;
  try {
    json = JSON.parse(data);
  } catch {
    console.warn('event stream: not JSON, ignored', data);
    return null;
  }
  const parsed = ApiEvent.safeParse(json);
  if (parsed.success) return parsed.data;
  console.warn('event stream: malformed event, ignored', parsed.error.issues, json);
  return null;
}
