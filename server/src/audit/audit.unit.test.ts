import { auditQuerySchema } from '@lanyard/contracts/api';
import { describe, expect, it } from 'vitest';
import { auditActions } from './audit.ts';

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
