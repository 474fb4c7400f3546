import { MutationCache, QueryCache, QueryClient } from '@tanstack/react-query';
import { isApiError } from '../api/client.ts';
import { meQueryKey } from '../api/session.ts';

/** Retries only failures that may pass on their own (network, overload); a 4xx answer is final. */
function shouldRetry(failureCount: number, error: unknown): boolean {
  if (failureCount >= 2) return false;
  if (!isApiError(error)) return false;
  return error.status === 0 || error.status === 503;
}

function isSignedOut(error: unknown): boolean {
  return isApiError(error) && (error.code === 'AUTH_REQUIRED' || error.code === 'AUTH_SESSION_EXPIRED');
}

export function createQueryClient(): QueryClient {
  // When any call finds the session gone (expired, signed out elsewhere), forget the signed-in person:
  // the signed-in layout then sends the person to /login and brings them back afterwards.
  // When a call finds that the password must be changed first, reload the signed-in person: the
  // signed-in layout then keeps them on Change Password.
  const forgetSession = (error: unknown) => {
    if (isSignedOut(error)) queryClient.setQueryData(meQueryKey, null);
    else if (isApiError(error) && error.code === 'PASSWORD_CHANGE_REQUIRED') void queryClient.invalidateQueries({ queryKey: meQueryKey, exact: true });
  };
  const queryClient: QueryClient = new QueryClient({
    queryCache: new QueryCache({ onError: forgetSession }),
    mutationCache: new MutationCache({ onError: forgetSession }),
    defaultOptions: {
      queries: { retry: shouldRetry, refetchOnWindowFocus: false, staleTime: 30_000 },
      mutations: { retry: false },
    },
  });
  return queryClient;
}
