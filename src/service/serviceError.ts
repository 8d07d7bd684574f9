// The Error a failed request rejects with on the host side. It holds the protocol's error union
// unchanged, so callers switch on `code` and show `message` and, where there is one, `hint`.
// Host-side only: no memory or model imports, so the extension host loads nothing heavy.

import type { ProtocolError, ProtocolErrorCode } from './protocol';

/** The Error a failed request rejects with on the host side. */
export class ServiceError extends Error {
  constructor(readonly error: ProtocolError) {
    super(error.message);
    this.name = 'ServiceError';
  }

  get code(): ProtocolErrorCode {
    return this.error.code;
  }

  /** The recovery hint, for the codes that carry one. */
  get hint(): string | undefined {
    return 'hint' in this.error ? this.error.hint : undefined;
  }
}
