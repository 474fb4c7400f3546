import { useInfiniteQuery } from '@tanstack/react-query';
import { Button } from '../../ui/button.tsx';
import { useIntl } from 'react-intl';
import { feedbackQueryKey, listAccessibilityFeedback } from '../../api/account.ts';
import { messageForError } from '../../ui/error-message.ts';
import { Loading } from '../../ui/loading.tsx';
import { Message } from '../../ui/message.tsx';
import { PageTitle } from '../../ui/page-title.tsx';

/** Administration › Accessibility feedback: what people sent from the accessibility statement, newest first. */
export function AccessibilityFeedbackPage() {
  const intl = useIntl();
  const feedback = useInfiniteQuery({
    queryKey: feedbackQueryKey,
    queryFn: ({ pageParam, signal }) => listAccessibilityFeedback(pageParam, signal),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => page.nextCursor ?? undefined,
  });
  const title = intl.formatMessage({ id: 'feedbackPage.title' });
  const items = feedback.data?.pages.flatMap((page) => page.items) ?? [];
  return (
    <div className="admin-page">
      <PageTitle title={title} />
      <h1 tabIndex={-1}>{title}</h1>
      {feedback.isError && <Message tone="error" title={messageForError(intl, feedback.error)} />}
      {feedback.isPending ? (
        <Loading />
      ) : items.length === 0 ? (
        <p>{intl.formatMessage({ id: 'feedbackPage.empty' })}</p>
      ) : (
        <ul className="stack feedback-list">
          {items.map((item) => (
            <li key={item.id} className="panel-section">
              <p className="muted">
                {intl.formatMessage(
                  { id: 'feedbackPage.meta' },
                  { at: intl.formatDate(item.createdAt, { dateStyle: 'medium', timeStyle: 'short' }), who: item.username ?? intl.formatMessage({ id: 'feedbackPage.anonymous' }), hasPage: item.page === null ? 'no' : 'yes', page: item.page ?? '' },
                )}
              </p>
              <p className="preformatted">{item.message}</p>
              {item.contactEmail !== null && <p>{intl.formatMessage({ id: 'feedbackPage.contact' }, { email: item.contactEmail })}</p>}
            </li>
          ))}
        </ul>
      )}
      {feedback.hasNextPage && (
        <Button onPress={() => void feedback.fetchNextPage()} isDisabled={feedback.isFetchingNextPage}>
          {intl.formatMessage({ id: 'feedbackPage.more' })}
        </Button>
      )}
    </div>
  );
}
