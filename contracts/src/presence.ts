import { z } from 'zod';
import { displayText, idSchema } from './common.ts';

/** The most reasons one presence reason list holds. */
export const maxPresenceReasons = 50;

/** One reason an agent can give for being away (Break, Lunch, Training, Meeting); its order is its place in the list. */
export const presenceReasonSchema = z.object({ label: z.string() });
export const presenceReasonInput = z.strictObject({ label: displayText(100).pipe(z.string().min(1)) });

export const presenceReasonListNameSchema = displayText(100).pipe(z.string().min(1));

/** A presence reason list as the API answers it: the reasons in their order. */
export const presenceReasonListSchema = z.object({
  id: idSchema,
  name: z.string(),
  reasons: z.array(presenceReasonSchema),
  isDefault: z.boolean(),
  /** How many members of the tenant are assigned this list (the default list's users without their own list are not counted). */
  assignedCount: z.int(),
});
export type PresenceReasonList = z.infer<typeof presenceReasonListSchema>;

const reasonsInput = z.array(presenceReasonInput).max(maxPresenceReasons);

export const createPresenceReasonListBodySchema = z.strictObject({ name: presenceReasonListNameSchema, reasons: reasonsInput });
export type CreatePresenceReasonListBody = z.infer<typeof createPresenceReasonListBodySchema>;

/** Rename and/or replace the reasons (their order is the array's). */
export const updatePresenceReasonListBodySchema = z
  .strictObject({ name: presenceReasonListNameSchema.optional(), reasons: reasonsInput.optional() })
  .refine((body) => body.name !== undefined || body.reasons !== undefined, { message: 'Give a name or reasons' });
export type UpdatePresenceReasonListBody = z.infer<typeof updatePresenceReasonListBodySchema>;

export const setDefaultPresenceReasonListBodySchema = z.strictObject({ listId: idSchema.nullable() });

/** What the browser answered when the console asked for the microphone at first sign-in. */
export const microphoneOutcomeSchema = z.enum(['allowed', 'blocked', 'no-device']);
export type MicrophoneOutcome = z.infer<typeof microphoneOutcomeSchema>;

export const recordMicrophoneBodySchema = z.strictObject({ outcome: microphoneOutcomeSchema });

/** `GET /api/v1/me/microphone`: the last outcome recorded for this user, and whether the console should ask (presence.use, and not yet allowed). */
export const microphoneStateSchema = z.object({
  outcome: microphoneOutcomeSchema.nullable(),
  recordedAt: z.iso.datetime().nullable(),
  promptNeeded: z.boolean(),
});
export type MicrophoneState = z.infer<typeof microphoneStateSchema>;

/** `GET /api/v1/me/presence-reason-list`: the list the signed-in user works with (their own, else the tenant default), if any. */
export const myPresenceReasonListSchema = z.object({
  required: z.boolean(),
  list: z.object({ id: idSchema, name: z.string(), source: z.enum(['own', 'default']) }).nullable(),
});
