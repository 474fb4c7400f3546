import net from 'node:net';

/**
 * Records every TCP connection this process starts while it watches (whatever opens it: Lanyard, a
 * driver, undici), and stops any to an address other than loopback before the socket connects, so a test
 * of "never contacts 169.254.169.254" sends nothing there even if the code under test were broken.
 */
export interface OutboundConnections {
  /** The destinations asked for, in order (host as given: a name or an address). */
  attempts: { host: string; port: number }[];
  stop(): void;
}

const loopbackHosts = new Set(['127.0.0.1', 'localhost', '::1']);

export function watchOutboundConnections(): OutboundConnections {
  const attempts: { host: string; port: number }[] = [];
  // eslint-disable-next-line @typescript-eslint/unbound-method -- kept to be called with the socket as `this` (apply below), and put back.
  const original = net.Socket.prototype.connect;
  const destinationOf = (args: unknown[]): { host: string; port: number } | undefined => {
    // net.connect passes its normalized arguments as one array; socket.connect(options | port, host?, …) otherwise.
    const first: unknown = Array.isArray(args[0]) ? (args[0] as unknown[])[0] : args[0];
    if (typeof first === 'object' && first !== null) {
      const options: { host?: string; port?: number | string; path?: string } = first;
      if (options.path !== undefined) return undefined;
      return { host: options.host ?? 'localhost', port: Number(options.port) };
    }
    if (typeof first === 'number' || (typeof first === 'string' && /^\d+$/.test(first))) return { host: typeof args[1] === 'string' ? args[1] : 'localhost', port: Number(first) };
    return undefined;
  };
  net.Socket.prototype.connect = function connect(this: net.Socket, ...args: unknown[]) {
    const destination = destinationOf(args);
    if (destination !== undefined) {
      attempts.push(destination);
      if (!loopbackHosts.has(destination.host.replace(/^\[|\]$/g, ''))) {
        process.nextTick(() => this.destroy(Object.assign(new Error(`connection to ${destination.host} stopped by the test`), { code: 'ECONNREFUSED' })));
        return this;
      }
    }
    return (original as (...rest: unknown[]) => net.Socket).apply(this, args);
  };
  return {
    attempts,
    stop() {
      net.Socket.prototype.connect = original;
    },
  };
}
