import { describe, expect, it } from 'vitest';
import { redactUrl } from './logging.ts';

describe('redactUrl', () => {
  it('hides link tokens in paths and every query string', () => {
    const token = 'hQGo3J2mYqk7x9_aZb-0123456789abcdefghijklmn';
    expect(redactUrl(`/api/v1/invitations/${token}/accept`)).toBe('/api/v1/invitations/[redacted]/accept');
    expect(redactUrl(`/first-access/${token}`)).toBe('/first-access/[redacted]');
    expect(redactUrl('/api/v1/me?token=abc')).toBe('/api/v1/me?[redacted]');
  });

  it('keeps ordinary paths, including UUIDs, readable', () => {
    expect(redactUrl('/api/v1/admin/users/01a20615-7ea6-7ee9-9918-bb4a02356a5c/invitation')).toBe(
      '/api/v1/admin/users/01a20615-7ea6-7ee9-9918-bb4a02356a5c/invitation',
    );
    expect(redactUrl('/healthz')).toBe('/healthz');
  });
});
