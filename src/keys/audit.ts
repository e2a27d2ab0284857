// Appends the key ring's audit entries: one per operation, with its outcome and, on failure, the
// error message (key ring messages name keys by id and fingerprint only, never key material).
import type { Logger } from '../log/index.js';
import type { KeysRepository } from '../store/keys.js';

export interface KeyRef {
  id: string | null;
  fingerprint: string;
}

export class KeyAuditor {
  constructor(
    private readonly keys: KeysRepository,
    private readonly now: () => number,
    private readonly logger?: Logger,
  ) {}

  async record(
    action: string,
    phoneNumberId: string,
    actor: string,
    key: KeyRef | null,
    error: unknown,
  ): Promise<void> {
    await this.keys.audit({
      at: this.now(),
      action,
      keyId: key?.id ?? null,
      fingerprint: key?.fingerprint ?? null,
      phoneNumberId,
      actor,
      outcome: error === null ? 'ok' : 'error',
      error: error === null ? null : error instanceof Error ? error.message : 'unknown error',
    });
  }

  /** Runs `fn` and appends one entry with its outcome; `note` names the key once `fn` knows it. */
  async run<T>(
    action: string,
    phoneNumberId: string,
    actor: string,
    key: KeyRef | null,
    fn: (note: (id: string | null, fingerprint: string) => void) => Promise<T>,
  ): Promise<T> {
    let subject: KeyRef | null = key === null ? null : { id: key.id, fingerprint: key.fingerprint };
    const note = (id: string | null, fingerprint: string): void => {
      subject = { id, fingerprint };
    };
    try {
      const value = await fn(note);
      await this.record(action, phoneNumberId, actor, subject, null);
      return value;
    } catch (error) {
      await this.record(action, phoneNumberId, actor, subject, error);
      this.logger?.warn(
        { action, keyId: subject?.id, code: (error as { code?: unknown }).code },
        'key operation failed',
      );
      throw error;
    }
  }
}
