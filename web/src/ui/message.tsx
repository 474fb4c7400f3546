import type { ReactNode } from 'react';
import { CheckCircleIcon, InfoIcon, WarningIcon } from './icons.tsx';
import { useIntl } from 'react-intl';

type Tone = 'error' | 'success' | 'info';

/** What an alert region or message shows. */
export interface MessageProps {
  tone: Tone;
  title?: string | undefined;
  children?: ReactNode;
  id?: string | undefined;
}

export type AlertContent = MessageProps;

const toneIcons = { error: WarningIcon, success: CheckCircleIcon, info: InfoIcon } as const;

function MessageBody({ tone, title, children }: MessageProps) {
  const Icon = toneIcons[tone];
  const intl = useIntl();
  return (
    <>
      <Icon className="icon message-icon" />
      <div className="message-text">
        <span className="visually-hidden">{intl.formatMessage({ id: `message.tone.${tone}` })}</span>
        {title !== undefined && <p className="message-title">{title}</p>}
        {children}
      </div>
    </>
  );
}

/**
 * A message announced at once (`role="alert"`), for errors that follow something the person did.
 * The live region is always in the page, so screen readers notice when text appears in it.
 */
export function AlertRegion({ message, id }: { message: MessageProps | null; id?: string }) {
  return (
    <div role="alert" id={id} className="live-region">
      {message !== null && (
        <div className={`message message-${message.tone}`}>
          <MessageBody {...message} />
        </div>
      )}
    </div>
  );
}

/** A message that is part of the page from the start (not announced as it appears). */
export function Message(props: MessageProps) {
  return (
    <div className={`message message-${props.tone}`} id={props.id}>
      <MessageBody {...props} />
    </div>
  );
}
