import { describe, expect, it } from 'vitest';
import { addressAllowed, classifyAddress } from './provider-addresses.ts';

describe('classifyAddress', () => {
  it('never allows link-local and cloud-metadata addresses, in any spelling', () => {
    for (const address of [
      '169.254.169.254',
      '169.254.0.1',
      'fe80::1',
      '[fe80::1]',
      'fe80::1%eth0',
      'fd00:ec2::254',
      '::ffff:169.254.169.254',
      '::ffff:a9fe:a9fe',
      '::169.254.169.254',
      '64:ff9b::169.254.169.254',
      '100.100.100.200',
      '0.0.0.0',
      '::',
      '255.255.255.255',
      '224.0.0.1',
      'ff02::1',
      '2002:a9fe:a9fe::1',
      'not-an-address',
    ]) {
      expect(classifyAddress(address), address).toBe('forbidden');
      expect(addressAllowed(address, { allowPrivateNetworks: true }), address).toBe(false);
    }
  });

  it('allows private and loopback addresses only where the deployment says so', () => {
    const expected = {
      '10.1.2.3': 'private',
      '172.16.0.1': 'private',
      '172.31.255.254': 'private',
      '192.168.1.1': 'private',
      '100.64.0.1': 'private',
      'fc00::1': 'private',
      'fd12:3456::1': 'private',
      '::ffff:10.0.0.1': 'private',
      '127.0.0.1': 'loopback',
      '127.9.9.9': 'loopback',
      '::1': 'loopback',
      '[::1]': 'loopback',
      '::ffff:127.0.0.1': 'loopback',
    } as const;
    for (const [address, kind] of Object.entries(expected)) {
      expect(classifyAddress(address), address).toBe(kind);
      expect(addressAllowed(address, { allowPrivateNetworks: false }), address).toBe(false);
      expect(addressAllowed(address, { allowPrivateNetworks: true }), address).toBe(true);
    }
  });

  it('allows public addresses always, including through IPv4-mapped and NAT64 forms', () => {
    for (const address of ['93.184.216.34', '2606:4700::1111', '::ffff:93.184.216.34', '64:ff9b::93.184.216.34', '172.32.0.1', '11.0.0.1']) {
      expect(classifyAddress(address), address).toBe('public');
      expect(addressAllowed(address, { allowPrivateNetworks: false }), address).toBe(true);
    }
  });
});
