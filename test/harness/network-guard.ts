// A network tripwire for tests: patches the lowest layers Node code can open a connection through
// and reports every attempt (nothing is blocked, so code under test behaves as it would). TCP and
// IPC sockets (net.Socket#connect: http, https, tls, fetch/undici and WebSocket all end here), UDP
// (dgram), and name lookups (dns, dns/promises). Each attempt carries its target, the thread and
// the stack, so a test can say who tried to go where.
//
// Used by the integration test test/integration/network.test.ts in the extension host and, through
// test/integration/network-probe.ts, in mnemo's model worker; network-guard.test.ts proves it trips.
// `import x = require()`: the modules' own objects, not an interop namespace of read-only getters.
import dgram = require('node:dgram');
import dns = require('node:dns');
import net = require('node:net');
import { isMainThread, threadId } from 'node:worker_threads';

export type AttemptKind = 'tcp' | 'ipc' | 'udp' | 'dns';

export interface ConnectionAttempt {
  readonly kind: AttemptKind;
  /** Host name or address (tcp, udp, dns), or the socket path (ipc). */
  readonly target: string;
  readonly port?: number;
  readonly thread: 'main' | `worker ${number}`;
  readonly stack: string;
}

/** Loopback and IPC are the machine talking to itself; everything else leaves it (or asks a name server to). */
export function isLocalAttempt(attempt: Pick<ConnectionAttempt, 'kind' | 'target'>): boolean {
  if (attempt.kind === 'ipc') return true;
  const host = attempt.target.replace(/^\[|\]$/g, '').toLowerCase();
  // Looking up an address literal asks no name server (dgram does it for its bind address).
  if (attempt.kind === 'dns' && net.isIP(host) !== 0) return true;
  return (
    host === 'localhost' ||
    host.endsWith('.localhost') ||
    host === '::1' ||
    host === '0:0:0:0:0:0:0:1' ||
    /^127\.\d+\.\d+\.\d+$/.test(host) ||
    host === '::ffff:127.0.0.1'
  );
}

type Restore = () => void;

/** Installs the tripwire in this thread; returns the function that removes it. */
export function installNetworkGuard(onAttempt: (attempt: ConnectionAttempt) => void): Restore {
  const thread = isMainThread ? 'main' : (`worker ${threadId}` as const);
  const report = (kind: AttemptKind, target: string, port?: number) => {
    const stack = new Error('network attempt').stack?.split('\n').slice(2).join('\n') ?? '';
    try {
      onAttempt({ kind, target, ...(port === undefined ? {} : { port }), thread, stack });
    } catch {
      // A reporting failure must not change what the code under test sees.
    }
  };
  const restores: Restore[] = [];
  const patch = <T extends object, K extends keyof T>(owner: T, key: K, wrap: (original: T[K]) => T[K]) => {
    const original = owner[key];
    owner[key] = wrap(original);
    restores.push(() => (owner[key] = original));
  };

  patch(
    net.Socket.prototype,
    'connect',
    original =>
      function (this: net.Socket, ...args: unknown[]) {
        const target = connectTarget(args);
        if (target) report(target.kind, target.target, target.port);
        return (original as (...a: unknown[]) => net.Socket).apply(this, args);
      } as typeof original,
  );
  patch(
    dgram.Socket.prototype,
    'connect',
    original =>
      function (this: dgram.Socket, ...args: unknown[]) {
        report('udp', typeof args[1] === 'string' ? args[1] : 'localhost', typeof args[0] === 'number' ? args[0] : undefined);
        return (original as (...a: unknown[]) => void).apply(this, args);
      } as typeof original,
  );
  patch(
    dgram.Socket.prototype,
    'send',
    original =>
      function (this: dgram.Socket, ...args: unknown[]) {
        const address = args.find((a, i) => i > 0 && typeof a === 'string') as string | undefined;
        const port = args.find((a, i) => i > 0 && typeof a === 'number' && a > 0 && a < 65536 && typeof args[i + 1] === 'string') as
          number | undefined;
        if (address) report('udp', address, port);
        return (original as (...a: unknown[]) => void).apply(this, args);
      } as typeof original,
  );
  const lookups = [
    'lookup',
    'lookupService',
    'resolve',
    'resolve4',
    'resolve6',
    'resolveAny',
    'resolveCname',
    'resolveMx',
    'resolveNs',
    'resolveTxt',
    'resolveSrv',
    'reverse',
  ] as const;
  for (const name of lookups) {
    for (const owner of [dns, dns.promises] as Record<string, unknown>[]) {
      if (typeof owner[name] !== 'function') continue;
      patch(
        owner,
        name,
        original =>
          function (this: unknown, ...args: unknown[]) {
            report('dns', String(args[0]));
            return (original as (...a: unknown[]) => unknown).apply(this, args);
          },
      );
    }
  }
  return () => {
    for (const restore of restores.splice(0).reverse()) restore();
  };
}

/** The target of net.Socket#connect's overloads: (options), (port, host?), (path), or the internal [options, cb] array. */
function connectTarget(args: readonly unknown[]): { kind: AttemptKind; target: string; port?: number } | undefined {
  let first = args[0];
  if (Array.isArray(first)) first = first[0]; // net.connect() passes normalized [options, cb]
  if (typeof first === 'object' && first !== null) {
    const options = first as { path?: string; host?: string; port?: number | string };
    if (typeof options.path === 'string') return { kind: 'ipc', target: options.path };
    return { kind: 'tcp', target: options.host ?? 'localhost', port: options.port === undefined ? undefined : Number(options.port) };
  }
  if (typeof first === 'string' && !/^\d+$/.test(first)) return { kind: 'ipc', target: first };
  if (typeof first === 'number' || typeof first === 'string')
    return { kind: 'tcp', target: typeof args[1] === 'string' ? args[1] : 'localhost', port: Number(first) };
  return undefined;
}
