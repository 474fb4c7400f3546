import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Button } from '../../ui/button.tsx';
import { useIntl } from 'react-intl';
import { Link, useParams } from 'react-router';
import { confirmEmailChange } from '../../api/account.ts';
import { messageForError } from '../../ui/error-message.ts';
import { Message } from '../../ui/message.tsx';
import { PageTitle } from '../../ui/page-title.tsx';

/** `/confirm-email/{token}`: the link emailed to a new address. A button, so a mail scanner that opens links changes nothing. */
export function ConfirmEmailPage() {
  const intl = useIntl();
  const { token = '' } = useParams();
  const queryClient = useQueryClient();
  const confirm = useMutation({ mutationFn: () => confirmEmailChange(token), onSuccess: () => queryClient.invalidateQueries() });
  const title = intl.formatMessage({ id: 'confirmEmail.title' });
  return (
    <div className="card">
      <PageTitle title={title} />
      <h1 tabIndex={-1}>{title}</h1>
      {confirm.isSuccess ? (
        <>
          <Message tone="success" title={intl.formatMessage({ id: 'confirmEmail.done' })} />
          <Link to="/profile/account">{intl.formatMessage({ id: 'confirmEmail.toAccount' })}</Link>
        </>
      ) : (
        <>
          <p>{intl.formatMessage({ id: 'confirmEmail.body' })}</p>
          {confirm.isError && <Message tone="error" title={messageForError(intl, confirm.error)} />}
          <Button variant="primary" onPress={() => confirm.mutate()} isDisabled={confirm.isPending}>
            {intl.formatMessage({ id: 'confirmEmail.submit' })}
          </Button>
        </>
      )}
    </div>
  );
}
