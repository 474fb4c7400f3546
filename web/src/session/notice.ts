import { createContext, useContext } from 'react';

/** A confirmation shown at the top of a signed-in page, e.g. after a password change. */
export interface Notice {
  text: string;
  /** The page it belongs to; it disappears when the person goes elsewhere. */
  path: string;
}

export const NoticeContext = createContext<(notice: Notice | null) => void>(() => undefined);

/** Shows a confirmation on a signed-in page (SignedInLayout draws it in a status region). */
export function useShowNotice(): (notice: Notice | null) => void {
  return useContext(NoticeContext);
}
