/**
 * The one door to noVNC. Its package is plain ESM with a top-level await and no types:
 * it is loaded on demand in the browser only (never at build time, never in a page's first
 * load), and the part of its API we use is typed here.
 */

export interface Rfb extends EventTarget {
  scaleViewport: boolean;
  resizeSession: boolean;
  viewOnly: boolean;
  focusOnClick: boolean;
  background: string;
  qualityLevel: number;
  compressionLevel: number;
  showDotCursor: boolean;
  sendKey(keysym: number, code: string | null, down?: boolean): void;
  sendCtrlAltDel(): void;
  focus(options?: FocusOptions): void;
  disconnect(): void;
}

export type RfbConstructor = new (
  target: HTMLElement,
  urlOrChannel: string | WebSocket,
  options?: { shared?: boolean; credentials?: { password?: string } },
) => Rfb;

/** noVNC's `disconnect` event: clean is false when the connection dropped or failed. */
export type RfbDisconnectEvent = CustomEvent<{ clean: boolean }>;
export type RfbSecurityFailureEvent = CustomEvent<{ status: number; reason?: string }>;
/** noVNC's `clipboard` event: text the guest put on the VNC clipboard (ServerCutText). */
export type RfbClipboardEvent = CustomEvent<{ text: string }>;

let loading: Promise<RfbConstructor> | null = null;

export function loadRfb(): Promise<RfbConstructor> {
  loading ??= import('@novnc/novnc').then(
    (m) => m.default as RfbConstructor,
    (e: unknown) => {
      loading = null; // a failed chunk load may work next time
      throw e;
    },
  );
  return loading;
}
