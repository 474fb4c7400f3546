import { auditQuerySchema } from '@lanyard/contracts/api';
import { describe, expect, it } from 'vitest';
import { auditActions, auditEventOf } from './audit.ts';

describe('audit actions', () => {
  it('are unique', () => {
    expect(new Set(auditActions).size).toBe(auditActions.length);
  });

  it('can each be used as the action filter of the audit API', () => {
    for (const action of auditActions) {
      expect(auditQuerySchema.safeParse({ action }).success, action).toBe(true);
    }
  });

  it('are dotted lower-camel names: a subject, then what happened', () => {
    for (const action of auditActions) expect(action, action).toMatch(/^[a-z][a-zA-Z]*(\.[a-z][a-zA-Z]*)+$/);
  });
});

describe('auditEventOf', () => {
  const occurredAt = new Date('2026-01-02T03:04:05Z');

  it('stores null for what the input leaves out, and empty details', () => {
    expect(auditEventOf({ tenantId: null, actorUserId: null, action: 'auth.logout', result: 'success' }, 'e-1', occurredAt)).toEqual({
      id: 'e-1',
      tenantId: null,
      actorUserId: null,
      action: 'auth.logout',
      result: 'success',
      targetType: null,
      targetId: null,
      ip: null,
      details: {},
      occurredAt,
    });
  });

  it('keeps everything the input gives', () => {
    const input = {
      tenantId: 't',
      actorUserId: 'u',
      action: 'user.invited',
      result: 'failure',
      targetType: 'user',
      targetId: 'u2',
      ip: '127.0.0.1',
      details: { roleId: 'r' },
    } as const;
    expect(auditEventOf(input, 'e-2', occurredAt)).toEqual({ ...input, id: 'e-2', occurredAt });
  });
});
