import { describe, expect, it } from 'vitest';
import { parsePeerRegions } from '../config/config.ts';
import { absentTtlMs, configurationAt, foundTtlMs, LocationCache } from './regions.ts';

describe('regions', () => {
  it('answers the URLs of a deployment', () => {
    expect(configurationAt('t', 'eu1', new URL('https://eu.example.com'))).toEqual({
      tenantId: 't',
      region: 'eu1',
      consoleUrl: 'https://eu.example.com/',
      apiUrl: 'https://eu.example.com/api/v1',
      tokenEndpoint: 'https://eu.example.com/oauth/token',
      jwksUri: 'https://eu.example.com/.well-known/jwks.json',
    });
  });

  it('keeps found tenants 5 minutes and unknown ones 30 seconds', () => {
    const cache = new LocationCache();
    const configuration = configurationAt('a', 'eu1', new URL('https://eu.example.com'));
    cache.set('a', { kind: 'found', configuration }, 0);
    cache.set('b', { kind: 'absent' }, 0);
    expect(cache.get('a', foundTtlMs - 1)).toEqual({ kind: 'found', configuration });
    expect(cache.get('a', foundTtlMs)).toBeUndefined();
    expect(cache.get('b', absentTtlMs - 1)).toEqual({ kind: 'absent' });
    expect(cache.get('b', absentTtlMs)).toBeUndefined();
  });

  it('reads LANYARD_PEER_REGIONS', () => {
    expect(parsePeerRegions('eu1=https://eu.example.com, na1=https://na.example.com')).toEqual(
      new Map([
        ['eu1', new URL('https://eu.example.com')],
        ['na1', new URL('https://na.example.com')],
      ]),
    );
    expect(parsePeerRegions('')).toEqual(new Map());
    for (const bad of ['eu1', 'EU=https://x', 'eu1=ftp://x', 'eu1=https://a,eu1=https://b', 'eu1=not a url']) expect(parsePeerRegions(bad), bad).toBeUndefined();
  });
});
