import { useMutation, useQueryClient, type QueryKey } from '@tanstack/react-query';
import { useIntl } from 'react-intl';
import { messageForError } from './error-message.ts';
import { showToast } from './toasts.tsx';
import { formatWords, type Words } from './words.ts';

export interface CommandOptions<Variables, Result> {
  /** The call that changes something (an API client function). */
  run: (variables: Variables) => Promise<Result>;
  /** Exactly the queries the change makes stale; nothing else is refetched. */
  invalidates: readonly QueryKey[];
  /** The success toast in the catalogue's words, or null for none. */
  success?: ((result: Result, variables: Variables) => Words | null) | undefined;
  /**
   * How a failure is told: `toast` (row actions, confirmations), or `inline` for a form that shows the
   * command's `problem` in its own alert region.
   */
  failure?: 'toast' | 'inline';
  /** Runs first on success (close a dialog, clear a field), before the toast and the refetch. */
  onSuccess?: ((result: Result, variables: Variables) => void) | undefined;
  /** Runs first on failure (close a confirmation), before the toast. */
  onError?: ((error: unknown, variables: Variables) => void) | undefined;
}

export interface Command<Variables> {
  /** Runs the command; a press while it is already running is ignored. */
  run: (variables: Variables) => void;
  isPending: boolean;
  /** What it is running with, while it runs (an optimistic switch shows it). */
  variables: Variables | undefined;
  /** The failure in the catalogue's words (`error.<CODE>`), for `inline` commands; null otherwise. */
  problem: string | null;
  reset: () => void;
}

/**
 * One change the console makes: run the call, toast the outcome in the catalogue's words, refetch exactly
 * the queries it names, and tell a failure as the error catalogue words it. The admin pages' mutations
 * are all this hook, so none wires its own toast or cache invalidation.
 */
export function useCommand<Variables = void, Result = unknown>(options: CommandOptions<Variables, Result>): Command<Variables> {
  const intl = useIntl();
  const queryClient = useQueryClient();
  const { failure = 'inline' } = options;
  const mutation = useMutation({
    mutationFn: options.run,
    onSuccess: async (result, variables) => {
      options.onSuccess?.(result, variables);
      const words = options.success?.(result, variables) ?? null;
      if (words !== null) showToast({ tone: 'success', text: formatWords(intl, words) });
      await Promise.all(options.invalidates.map((queryKey) => queryClient.invalidateQueries({ queryKey })));
    },
    onError: (error, variables) => {
      options.onError?.(error, variables);
      if (failure === 'toast') showToast({ tone: 'error', text: messageForError(intl, error) });
    },
  });
  return {
    run: (variables) => {
      if (!mutation.isPending) mutation.mutate(variables);
    },
    isPending: mutation.isPending,
    variables: mutation.isPending ? mutation.variables : undefined,
    problem: failure === 'inline' && mutation.isError ? messageForError(intl, mutation.error) : null,
    reset: mutation.reset,
  };
}
