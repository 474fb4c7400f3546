import ipaddr from 'ipaddr.js';

/**
 * Which network addresses Lanyard may open a connection to when it talks to an identity provider
 * (discovery, token, userinfo, JWKS, the administrator's "test connection"). An administrator types the
 * issuer; without this rule, "test connection" and sign-in would let anyone who manages a tenant's
 * providers make the server probe its own networks and read cloud metadata.
 *
 * - `public`: global unicast; always allowed.
 * - `private` (10/8, 172.16/12, 192.168/16, 100.64/10 shared address space, fc00::/7) and `loopback`
 *   (127/8, ::1): allowed only where the deployment says so (LANYARD_SSO_ALLOW_PRIVATE_NETWORKS).
 * - `forbidden`: link-local (169.254/16, fe80::/10, where clouds answer with their instance metadata and
 *   credentials), the known metadata addresses inside otherwise private ranges (fd00:ec2::254,
 *   100.100.100.200), and every other special-purpose range (unspecified, broadcast, multicast,
 *   documentation, benchmarking, 6to4, Teredo, …); never allowed, whatever the configuration.
 *
 * IPv4 written inside IPv6 (IPv4-mapped ::ffff:a.b.c.d, IPv4-compatible ::a.b.c.d, NAT64 64:ff9b::/96 and
 * 64:ff9b:1::/48) is judged as the IPv4 address it carries.
 */
export type AddressKind = 'public' | 'private' | 'loopback' | 'forbidden';

const metadataAddresses = new Set(['fd00:ec2::254', '100.100.100.200']);

export function classifyAddress(text: string): AddressKind {
  const bare = text.replace(/^\[|\]$/g, '');
  if (!ipaddr.isValid(bare)) return 'forbidden';
  let address = ipaddr.parse(bare);
  if (address.kind() === 'ipv6') {
    const v6 = address as ipaddr.IPv6;
    if (v6.zoneId !== undefined) return 'forbidden';
    const range = v6.range();
    const parts = v6.parts;
    const carriedIPv4 = () => ipaddr.IPv4.parse(`${parts[6]! >> 8}.${parts[6]! & 0xff}.${parts[7]! >> 8}.${parts[7]! & 0xff}`);
    if (range === 'ipv4Mapped') address = v6.toIPv4Address();
    else if (range === 'rfc6052') address = carriedIPv4();
    // IPv4-compatible (::a.b.c.d, deprecated): the first 96 bits are zero, and it is neither :: nor ::1.
    else if (parts.slice(0, 6).every((part) => part === 0) && range !== 'unspecified' && range !== 'loopback') address = carriedIPv4();
  }
  if (metadataAddresses.has(address.toNormalizedString()) || metadataAddresses.has(address.toString())) return 'forbidden';
  switch (address.range()) {
    case 'unicast':
      return 'public';
    case 'private':
    case 'carrierGradeNat':
    case 'uniqueLocal':
      return 'private';
    case 'loopback':
      return 'loopback';
    default:
      return 'forbidden';
  }
}

/** Whether a connection to this address is allowed under the deployment's setting. */
export function addressAllowed(address: string, policy: { allowPrivateNetworks: boolean }): boolean {
  const kind = classifyAddress(address);
  return kind === 'public' || (policy.allowPrivateNetworks && (kind === 'private' || kind === 'loopback'));
}
