/**
 * Enforces a view-only VNC console on the server side: noVNC's own viewOnly flag is a client
 * setting that any client can ignore. This parses what the client sends (RFB 3.8, RFC 6143 plus
 * the extensions noVNC and QEMU use) and drops every input message: keys, pointer, clipboard,
 * power (xvp) and desktop resizing. What remains is the handshake and update requests.
 */

type Step = 'version' | 'security' | 'init' | 'messages';

const HANDSHAKE_BYTES: Record<Exclude<Step, 'messages'>, number> = {
  version: 12,
  security: 1,
  init: 1,
};

export class RfbViewOnlyFilter {
  private step: Step = 'version';
  private pending: Buffer = Buffer.alloc(0);

  /** Takes bytes from the client; returns those to forward. Throws on anything it cannot parse. */
  push(chunk: Buffer): Buffer {
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    const out: Buffer[] = [];
    for (;;) {
      const length = this.nextLength();
      if (length === null || this.pending.length < length) break;
      const message = this.pending.subarray(0, length);
      this.pending = this.pending.subarray(length);
      const kept = this.consume(message);
      if (kept) out.push(kept);
    }
    return Buffer.concat(out);
  }

  /** Bytes in the next message, or null until enough of it has arrived to tell. */
  private nextLength(): number | null {
    const b = this.pending;
    if (this.step !== 'messages') return HANDSHAKE_BYTES[this.step];
    if (b.length < 1) return null;
    const type = b[0] as number;
    switch (type) {
      case 0: // SetPixelFormat
        return 20;
      case 2: // SetEncodings
        return b.length < 4 ? null : 4 + 4 * b.readUInt16BE(2);
      case 3: // FramebufferUpdateRequest
        return 10;
      case 4: // KeyEvent
        return 8;
      case 5: // PointerEvent
        return 6;
      case 6: // ClientCutText; a negative length is the extended clipboard's
        return b.length < 8 ? null : 8 + Math.abs(b.readInt32BE(4));
      case 150: // EnableContinuousUpdates
        return 10;
      case 248: // ClientFence
        return b.length < 9 ? null : 9 + (b[8] as number);
      case 250: // xvp (power control)
        return 4;
      case 251: // SetDesktopSize
        return b.length < 7 ? null : 8 + 16 * (b[6] as number);
      case 255: // QEMU: extended key event, or audio
        if (b.length < 2) return null;
        if (b[1] === 0) return 12;
        if (b[1] === 1) return b.length < 4 ? null : b.readUInt16BE(2) === 2 ? 10 : 4;
        throw new Error(`unknown QEMU VNC message ${b[1]}`);
      default:
        throw new Error(`unknown VNC client message ${type}`);
    }
  }

  private consume(message: Buffer): Buffer | null {
    switch (this.step) {
      case 'version':
        if (!message.toString('latin1').startsWith('RFB 003.008')) {
          throw new Error('view-only consoles need RFB 3.8');
        }
        this.step = 'security';
        return message;
      case 'security':
        if (message[0] !== 1) throw new Error('view-only consoles need security type None');
        this.step = 'init';
        return message;
      case 'init':
        this.step = 'messages';
        // Shared, so a viewer can never push the operator's own session off the screen.
        return Buffer.from([1]);
      case 'messages': {
        const type = message[0] as number;
        const input = [4, 5, 6, 250, 251].includes(type) || (type === 255 && message[1] === 0);
        return input ? null : message;
      }
    }
  }
}
