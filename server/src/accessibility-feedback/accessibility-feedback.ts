/** A message sent from the accessibility statement's feedback form (SPEC §3.7). */
export interface AccessibilityFeedbackRecord {
  id: string;
  /** The tenant it is for: the sender's when signed in; the one the form named, or none, when signed out. */
  tenantId: string | null;
  userId: string | null;
  username: string | null;
  message: string;
  page: string | null;
  contactEmail: string | null;
  createdAt: Date;
}

/** Feedback forms a client network may send per window, signed in or not. */
export const feedbackRateLimit = { limit: 10, windowMs: 10 * 60_000 };

/** A keyset cursor is the last id of the previous page (UUIDv7: newest first by id). */
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/u;
export function isFeedbackCursor(value: string): boolean {
  return uuid.test(value);
}
