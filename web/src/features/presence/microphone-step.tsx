import type { MicrophoneOutcome } from '@lanyard/contracts/presence';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Button } from '../../ui/button.tsx';
import { useIntl } from 'react-intl';
import { messageForError } from '../../ui/error-message.ts';
import { fetchMicrophone, microphoneQueryKey, recordMicrophone } from '../../api/presence.ts';
import { Message } from '../../ui/message.tsx';
import { askForMicrophone } from './microphone.ts';

/**
 * The microphone step at first sign-in (seed 002: "you will need to allow the page to use your microphone"):
 * for users with presence.use until the browser has allowed it once. It explains why, asks the browser, and
 * shows the outcome with what to do next; the outcome is recorded, never silently ignored.
 */
export function MicrophoneStep() {
  const intl = useIntl();
  const queryClient = useQueryClient();
  const state = useQuery({ queryKey: microphoneQueryKey, queryFn: ({ signal }) => fetchMicrophone(signal) });
  const [outcome, setOutcome] = useState<MicrophoneOutcome | null>(null);
  const [hidden, setHidden] = useState(false);
  const ask = useMutation({
    mutationFn: async () => {
      const answer = await askForMicrophone();
      setOutcome(answer);
      await recordMicrophone(answer);
      return answer;
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: microphoneQueryKey }),
  });

  if (hidden || state.data === undefined || (!state.data.promptNeeded && outcome === null)) return null;
  const tryAgain = (
    <Button onPress={() => ask.mutate()} isDisabled={ask.isPending}>
      {intl.formatMessage({ id: 'microphone.tryAgain' })}
    </Button>
  );
  return (
    <section className="panel-section microphone-step" aria-labelledby="microphone-heading" data-microphone={outcome ?? 'ask'}>
      <h2 id="microphone-heading">{intl.formatMessage({ id: 'microphone.heading' })}</h2>
      {outcome === null && (
        <>
          <p>{intl.formatMessage({ id: 'microphone.why' })}</p>
          <p>{intl.formatMessage({ id: 'microphone.how' })}</p>
          <div className="form-actions">
            <Button variant="primary" onPress={() => ask.mutate()} isDisabled={ask.isPending}>
              {intl.formatMessage({ id: 'microphone.allow' })}
            </Button>
            <Button onPress={() => setHidden(true)}>
              {intl.formatMessage({ id: 'microphone.later' })}
            </Button>
          </div>
        </>
      )}
      <div role="status">
        {outcome === 'allowed' && (
          <Message tone="success" title={intl.formatMessage({ id: 'microphone.allowed' })}>
            <p>{intl.formatMessage({ id: 'microphone.allowedBody' })}</p>
          </Message>
        )}
        {outcome === 'blocked' && (
          <Message tone="error" title={intl.formatMessage({ id: 'microphone.blocked' })}>
            <p>{intl.formatMessage({ id: 'microphone.blockedBody' })}</p>
          </Message>
        )}
        {outcome === 'no-device' && (
          <Message tone="error" title={intl.formatMessage({ id: 'microphone.noDevice' })}>
            <p>{intl.formatMessage({ id: 'microphone.noDeviceBody' })}</p>
          </Message>
        )}
        {ask.isError && (
          <Message tone="error" title={intl.formatMessage({ id: 'microphone.notRecorded' })}>
            <p>{messageForError(intl, ask.error)}</p>
          </Message>
        )}
      </div>
      {outcome !== null && (
        <div className="form-actions">
          {outcome !== 'allowed' && tryAgain}
          <Button onPress={() => setHidden(true)}>
            {intl.formatMessage({ id: outcome === 'allowed' ? 'microphone.done' : 'microphone.later' })}
          </Button>
        </div>
      )}
    </section>
  );
}
