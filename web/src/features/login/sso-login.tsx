import { useEffect, useRef, useState, type FormEvent } from 'react';
import { Button as AriaButton, Form } from 'react-aria-components';
import { Button } from '../../ui/button.tsx';
import { useIntl } from 'react-intl';
import { messageForCode, messageForError } from '../../ui/error-message.ts';
import type { SsoSecondStep } from '@lanyard/contracts/sso';
import { readSsoMessage, startSso } from '../../api/sso.ts';
import { AlertRegion } from '../../ui/message.tsx';
import { TextField } from '../../ui/text-field.tsx';

const popupName = 'lanyard-sso';
const popupFeatures = 'popup,width=520,height=680';

/**
 * Sign-in with single sign-on (seed 002: "Click Single Sign-On. Enter your Username. This is the email
 * address. Click Login. A window to your identity provider opens … When validation is complete, the window
 * closes."). The pop-up is opened on the press itself (so the browser lets it open), then sent to the
 * provider; the callback page posts `{type:"lanyard:sso", ok, …}` to this origin and closes. Where the
 * browser blocks pop-ups, the same flow runs as a full-page redirect. Where the tenant requires MFA and the provider asserted
 * none, the message carries the sign-in's second step instead (`onSecondStep`); after a full-page redirect the login page reads
 * it from the URL fragment.
 */
export function SsoLogin(props: { initialUsername: string; onSignedIn: () => void; onSecondStep: (step: SsoSecondStep) => void; onBack: (username: string) => void }) {
  const intl = useIntl();
  const [username, setUsername] = useState(props.initialUsername);
  const [problem, setProblem] = useState<string | null>(null);
  const [waiting, setWaiting] = useState(false);
  const popup = useRef<Window | null>(null);
  const { onSignedIn, onSecondStep } = props;

  useEffect(() => {
    function onMessage(event: MessageEvent) {
      const message = readSsoMessage(event);
      if (message === null) return;
      if (popup.current !== null && event.source !== popup.current) return;
      popup.current = null;
      setWaiting(false);
      if (!message.ok) setProblem(messageForCode(intl, message.code));
      else if (message.secondStep !== undefined) onSecondStep(message.secondStep);
      else onSignedIn();
    }
    window.addEventListener('message', onMessage);
    // A pop-up the person closed without finishing: stop waiting (no error; they may try again).
    const watch = window.setInterval(() => {
      if (popup.current !== null && popup.current.closed) {
        popup.current = null;
        setWaiting(false);
      }
    }, 500);
    return () => {
      window.removeEventListener('message', onMessage);
      window.clearInterval(watch);
    };
  }, [intl, onSignedIn, onSecondStep]);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const name = username.trim();
    if (name === '' || waiting) return;
    setProblem(null);
    // Opened now, while the press still counts as the person's gesture; sent to the provider once the URL is known.
    const opened = window.open('', popupName, popupFeatures);
    if (opened === null) {
      // Pop-ups blocked: the same flow as a full-page redirect. Started with POST (not the GET redirect) so that
      // a refusal stays a coded message on this page instead of a JSON answer in the window.
      setWaiting(true);
      try {
        window.location.assign(await startSso(name));
      } catch (error) {
        setWaiting(false);
        setProblem(messageForError(intl, error));
      }
      return;
    }
    popup.current = opened;
    setWaiting(true);
    try {
      const authorizationUrl = await startSso(name);
      if (popup.current === opened && !opened.closed) opened.location.href = authorizationUrl;
    } catch (error) {
      opened.close();
      popup.current = null;
      setWaiting(false);
      setProblem(messageForError(intl, error));
    }
  }

  return (
    <>
      <AlertRegion message={problem === null ? null : { tone: 'error', title: problem }} />
      <Form className="form" onSubmit={(event) => void submit(event)} aria-label={intl.formatMessage({ id: 'login.sso.form' })}>
        <TextField
          label={intl.formatMessage({ id: 'login.username' })}
          description={intl.formatMessage({ id: 'login.sso.usernameHint' })}
          name="username"
          autoComplete="username"
          isIdentifier
          isRequired
          value={username}
          onChange={setUsername}
          autoFocus
        />
        <div className="form-actions">
          <Button type="submit" variant="primary">
            {intl.formatMessage({ id: 'login.sso.submit' })}
          </Button>
          {waiting && <span className="muted">{intl.formatMessage({ id: 'login.sso.waiting' })}</span>}
        </div>
      </Form>
      <p className="muted small after-form">
        <AriaButton className="link-button" onPress={() => props.onBack(username.trim())}>
          {intl.formatMessage({ id: 'login.sso.back' })}
        </AriaButton>
      </p>
    </>
  );
}
