import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import {
  badRequest,
  licenseSignature,
  licenseTimeState,
  parseLicense,
  type AgentLicense,
  type HostLicenseFact,
  type LicenseDocument,
} from '@berth/contracts';
import { writeFileAtomic } from '../journal/atomic-file.js';
import { assertFreeSpace } from '../storage/free-space.js';

/**
 * The host's own license: one file in the data dir, replaced atomically, so a crash leaves the
 * old license or the new one and there is nothing to reconcile at start. The agent reads it at
 * start and reports it in the host facts; the API decides what it allows.
 */
export class HostLicense {
  private doc: LicenseDocument | null = null;
  /** Checked once per file: the signature cannot change, only the dates move on. */
  private signature: 'ok' | 'invalid-signature' | 'unknown-key' = 'ok';

  constructor(
    private readonly dataDir: string,
    private readonly trustTest: boolean,
  ) {}

  private get file() {
    return path.join(this.dataDir, 'license.json');
  }

  /** Reads the file at start; an unreadable one is reported as an invalid signature, never fatal. */
  async load(): Promise<HostLicenseFact | null> {
    const text = await readFile(this.file, 'utf8').catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return null;
      throw err;
    });
    this.doc = text === null ? null : parseLicense(text);
    if (text !== null && !this.doc)
      return { state: 'invalid-signature', licenseId: '', expiresAt: '' };
    if (this.doc) this.signature = await licenseSignature(this.doc, this.trustTest);
    return this.fact();
  }

  fact(now = new Date()): HostLicenseFact | null {
    if (!this.doc) return null;
    return {
      state:
        this.signature === 'ok' ? licenseTimeState(this.doc.payload, now).state : this.signature,
      licenseId: this.doc.payload.id,
      expiresAt: this.doc.payload.expiresAt,
    };
  }

  get(): AgentLicense {
    return { license: this.doc, fact: this.fact() };
  }

  /** Installs or replaces; a license that does not verify is refused and the old one kept. */
  async install(text: string): Promise<AgentLicense> {
    const doc = parseLicense(text);
    if (!doc) throw badRequest('not a Berth license file', 'license');
    if (doc.payload.scope !== 'host')
      throw badRequest('a console-wide license: install it for the console', 'license');
    const signature = await licenseSignature(doc, this.trustTest);
    if (signature !== 'ok')
      throw badRequest(`license refused: ${signature.replace('-', ' ')}`, 'license');
    const textOut = `${JSON.stringify(doc)}\n`;
    await assertFreeSpace(this.dataDir, textOut.length, 'the license file');
    await writeFileAtomic(this.file, textOut);
    this.doc = doc;
    this.signature = signature;
    return this.get();
  }

  async remove(): Promise<void> {
    await rm(this.file, { force: true });
    this.doc = null;
  }
}
