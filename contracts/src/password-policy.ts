import { z } from 'zod';

/**
 * The one password rule evaluator, shared by the server (which enforces it) and the console (which shows
 * each rule live as the user types). Passwords are NFKC-normalised before they are evaluated or hashed.
 */
export const passwordPolicySchema = z.strictObject({
  minLength: z.int().min(1).max(256),
  maxLength: z.int().min(8).max(1024),
  requireUppercase: z.boolean(),
  requireLowercase: z.boolean(),
  requireDigit: z.boolean(),
  requireSpecial: z.boolean(),
  /** Not reused among the last N passwords; 0 turns the rule off. */
  historyCount: z.int().min(0).max(24),
  /** Not reused within D days; 0 turns the rule off. */
  historyDays: z.int().min(0).max(3650),
  /** The password must be changed after D days; 0 turns the rule off. */
  expiryDays: z.int().min(0).max(3650),
  /** Not equal to or containing the username or the email address. */
  disallowPersonalInfo: z.boolean(),
  /** Not in the list of common and breached passwords shipped with Lanyard. */
  blocklist: z.boolean(),
});

export type PasswordPolicy = z.infer<typeof passwordPolicySchema>;

export const contactCenterDefaultPolicy: PasswordPolicy = {
  minLength: 12,
  maxLength: 128,
  requireUppercase: true,
  requireLowercase: true,
  requireDigit: true,
  requireSpecial: false,
  historyCount: 5,
  historyDays: 0,
  expiryDays: 0,
  disallowPersonalInfo: true,
  blocklist: true,
};

/** The presets an administrator can start from (SPEC §3.3). */
export const passwordPolicyPresets = [
  { id: 'contact-center-default', name: 'Contact-center default', policy: contactCenterDefaultPolicy },
  {
    id: 'nist-800-63b-4',
    name: 'NIST SP 800-63B-4',
    policy: {
      minLength: 15,
      maxLength: 128,
      requireUppercase: false,
      requireLowercase: false,
      requireDigit: false,
      requireSpecial: false,
      historyCount: 0,
      historyDays: 0,
      expiryDays: 0,
      disallowPersonalInfo: true,
      blocklist: true,
    },
  },
  {
    id: 'pci-dss-4',
    name: 'PCI DSS 4.0',
    policy: {
      minLength: 12,
      maxLength: 128,
      requireUppercase: false,
      requireLowercase: true,
      requireDigit: true,
      requireSpecial: false,
      historyCount: 4,
      historyDays: 0,
      expiryDays: 90,
      disallowPersonalInfo: true,
      blocklist: true,
    },
  },
] as const satisfies readonly { id: string; name: string; policy: PasswordPolicy }[];

export type PasswordRuleId =
  | 'minLength'
  | 'maxLength'
  | 'uppercase'
  | 'lowercase'
  | 'digit'
  | 'special'
  | 'notUsername'
  | 'notEmail'
  | 'notCommon'
  | 'notReused';

export interface PasswordRuleResult {
  id: PasswordRuleId;
  met: boolean;
  /** Human-readable requirement, the same text on the server and in the console. */
  label: string;
}

export interface PasswordContext {
  username?: string | undefined;
  email?: string | undefined;
  /** Answers whether a normalised password is a known common or breached one; omitted where unknown. */
  isCommon?: ((normalisedPassword: string) => boolean) | undefined;
  /** Whether the password matches one of the user's recent passwords; known only to the server. */
  reused?: boolean | undefined;
}

export function normalizePassword(password: string): string {
  return password.normalize('NFKC');
}

function codePointLength(value: string): number {
  let count = 0;
  for (const _ of value) count += 1;
  return count;
}

function containsFolded(haystack: string, needle: string): boolean {
  const folded = needle.normalize('NFKC').toLowerCase();
  return folded.length > 0 && haystack.toLowerCase().includes(folded);
}

/** "1 character", "12 characters". */
function characterCount(count: number): string {
  return count === 1 ? '1 character' : `${count} characters`;
}

/** The wording of each rule, the same on the server, in the console and in documentation. */
export function passwordRuleLabel(id: PasswordRuleId, policy: Pick<PasswordPolicy, 'minLength' | 'maxLength'>): string {
  switch (id) {
    case 'minLength':
      return `At least ${characterCount(policy.minLength)}`;
    case 'maxLength':
      return `At most ${characterCount(policy.maxLength)}`;
    case 'uppercase':
      return 'At least one uppercase letter (A, B, C)';
    case 'lowercase':
      return 'At least one lowercase letter (a, b, c)';
    case 'digit':
      return 'At least one number (1, 2, 3)';
    case 'special':
      return 'At least one special character (!, #, @)';
    case 'notUsername':
      return 'Does not contain your username';
    case 'notEmail':
      return 'Does not contain your email address';
    case 'notCommon':
      return 'Is not a commonly used password';
    case 'notReused':
      return 'Is not one of your recent passwords';
  }
}

export function isPasswordRuleId(value: string): value is PasswordRuleId {
  return ['minLength', 'maxLength', 'uppercase', 'lowercase', 'digit', 'special', 'notUsername', 'notEmail', 'notCommon', 'notReused'].includes(value);
}

/** Every rule the policy turns on, each with whether the password meets it. */
export function evaluatePassword(
  policy: PasswordPolicy,
  password: string,
  context: PasswordContext = {},
): PasswordRuleResult[] {
  const value = normalizePassword(password);
  const length = codePointLength(value);
  const results: PasswordRuleResult[] = [];
  const add = (id: PasswordRuleId, met: boolean): void => {
    results.push({ id, met, label: passwordRuleLabel(id, policy) });
  };
  add('minLength', length >= policy.minLength);
  add('maxLength', length <= policy.maxLength);
  if (policy.requireUppercase) {
    add('uppercase', /\p{Lu}/u.test(value));
  }
  if (policy.requireLowercase) {
    add('lowercase', /\p{Ll}/u.test(value));
  }
  if (policy.requireDigit) {
    add('digit', /\p{Nd}/u.test(value));
  }
  if (policy.requireSpecial) {
    add('special', /[^\p{L}\p{N}]/u.test(value));
  }
  if (policy.disallowPersonalInfo && context.username !== undefined) {
    add('notUsername', !containsFolded(value, context.username));
  }
  if (policy.disallowPersonalInfo && context.email !== undefined) {
    const localPart = context.email.split('@')[0] ?? '';
    const met = !containsFolded(value, context.email) && !(localPart.length >= 3 && containsFolded(value, localPart));
    add('notEmail', met);
  }
  if (context.reused !== undefined && (policy.historyCount > 0 || policy.historyDays > 0)) {
    add('notReused', !context.reused);
  }
  if (policy.blocklist && context.isCommon !== undefined) {
    add('notCommon', !context.isCommon(value));
  }
  return results;
}

export function failedRules(results: readonly PasswordRuleResult[]): PasswordRuleId[] {
  return results.filter((result) => !result.met).map((result) => result.id);
}
