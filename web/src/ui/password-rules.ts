import { isPasswordRuleId, type PasswordPolicy, type PasswordRuleId } from '@lanyard/contracts/password-policy';
import type { IntlShape } from 'react-intl';
import type { MessageId } from '../i18n/messages.ts';

/**
 * The console's wording of each password rule, from its own catalogue (the labels in contracts/ stay the
 * server's). The length rules are plurals of the policy's numbers.
 */
const ruleMessages: Record<PasswordRuleId, MessageId> = {
  minLength: 'rule.minLength',
  maxLength: 'rule.maxLength',
  uppercase: 'rule.uppercase',
  lowercase: 'rule.lowercase',
  digit: 'rule.digit',
  special: 'rule.special',
  notUsername: 'rule.notUsername',
  notEmail: 'rule.notEmail',
  notCommon: 'rule.notCommon',
  notReused: 'rule.notReused',
};

/** The label of a rule by id, including those only the server checks; an unknown id is shown as it is. */
export function ruleLabel(intl: IntlShape, id: string, policy: Pick<PasswordPolicy, 'minLength' | 'maxLength'>): string {
  if (!isPasswordRuleId(id)) return id;
  const count = id === 'minLength' ? policy.minLength : id === 'maxLength' ? policy.maxLength : 0;
  return intl.formatMessage({ id: ruleMessages[id] }, { count });
}
