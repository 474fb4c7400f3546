import { describe, expect, it } from 'vitest';
import { canonicalUsername } from './common.ts';
import { contactCenterDefaultPolicy, evaluatePassword, failedRules, passwordRuleLabel, type PasswordPolicy } from './password-policy.ts';

const policy = contactCenterDefaultPolicy;
const failed = (password: string, context = {}, rules: PasswordPolicy = policy) => failedRules(evaluatePassword(rules, password, context));

describe('the password rule evaluator', () => {
  it('passes a password that meets every default rule', () => {
    expect(failed('Correct-Horse-42-battery', { username: 'anne', email: 'anne@example.test' })).toEqual([]);
  });

  it('reports each composition rule separately', () => {
    expect(failed('short')).toEqual(['minLength', 'uppercase', 'digit']);
    expect(failed('ALLUPPERCASE123')).toEqual(['lowercase']);
    expect(failed('nodigitsHereAtAll')).toEqual(['digit']);
    expect(failed('Abcdefghij12', {}, { ...policy, requireSpecial: true })).toEqual(['special']);
    expect(failed('Abcdefghij1!', {}, { ...policy, requireSpecial: true })).toEqual([]);
  });

  it('never truncates: a password over the maximum fails maxLength', () => {
    expect(failed(`Aa1${'x'.repeat(126)}`)).toEqual(['maxLength']);
    expect(failed(`Aa1${'x'.repeat(125)}`)).toEqual([]);
  });

  it('counts characters, not UTF-16 units, after NFKC normalisation', () => {
    const emoji = `Aa1${'😀'.repeat(9)}`;
    expect(failed(emoji)).toEqual([]);
    expect(failed(`Aa1${'😀'.repeat(8)}`)).toEqual(['minLength']);
  });

  it('refuses passwords containing the username or the email, ignoring case', () => {
    expect(failed('My-ANNE.SHIRLEY-Pass1', { username: 'anne.shirley' })).toEqual(['notUsername']);
    expect(failed('Xx1-anne.shirley@example.test', { email: 'anne.shirley@example.test' })).toEqual(['notEmail']);
    expect(failed('Xx1-Anne.Shirley-rules', { email: 'anne.shirley@example.test' })).toEqual(['notEmail']);
    expect(failed('My-ANNE.SHIRLEY-Pass1', { username: 'anne.shirley' }, { ...policy, disallowPersonalInfo: false })).toEqual([]);
  });

  it('consults the common-password list when one is given', () => {
    const isCommon = (value: string) => value === 'Password1234';
    expect(failed('Password1234', { isCommon })).toEqual(['notCommon']);
    expect(failed('Password1234', { isCommon }, { ...policy, blocklist: false })).toEqual([]);
  });

  it('counts characters in the singular for one', () => {
    expect(passwordRuleLabel('minLength', { minLength: 1, maxLength: 64 })).toBe('At least 1 character');
    expect(passwordRuleLabel('minLength', { minLength: 12, maxLength: 64 })).toBe('At least 12 characters');
    expect(passwordRuleLabel('maxLength', { minLength: 12, maxLength: 64 })).toBe('At most 64 characters');
  });

  it('gives every rule a label for the console checklist', () => {
    for (const rule of evaluatePassword(policy, '', { username: 'a', email: 'a@b.c', isCommon: () => false })) {
      expect(rule.label.length).toBeGreaterThan(5);
    }
  });
});

describe('canonicalUsername', () => {
  it('folds case and compatibility forms', () => {
    expect(canonicalUsername('Anne.Shirley')).toBe('anne.shirley');
    expect(canonicalUsername('ａｎｎｅ')).toBe('anne');
    expect(canonicalUsername('STRASSE')).toBe(canonicalUsername('straße'.toUpperCase()));
  });
});
