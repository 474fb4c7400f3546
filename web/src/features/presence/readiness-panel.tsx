import { mfaStatusSchema } from '@lanyard/contracts/mfa';
import { useQuery } from '@tanstack/react-query';
import { Button } from '../../ui/button.tsx';
import { useIntl } from 'react-intl';
import { apiRequest } from '../../api/client.ts';
import { fetchMyPasswordExpiry } from '../../api/passwords.ts';
import { fetchMyPresenceList } from '../../api/presence.ts';
import type { MessageId } from '../../i18n/messages.ts';
import { CheckCircleIcon, CrossCircleIcon } from '../../ui/icons.tsx';
import { Loading } from '../../ui/loading.tsx';
import { browserSupported, microphoneStatus } from './microphone.ts';

/** A password expiring within this many days is a red cross: change it before it stops the next sign-in. */
export const passwordExpiryWarningDays = 14;
const dayMs = 24 * 60 * 60 * 1000;

interface Check {
  key: string;
  ok: boolean;
  label: string;
  detail: string;
}

/**
 * Ready to work? (My Profile › General, users with presence.use): each thing an agent needs before taking
 * calls, a green check or a red cross with the fix in plain words. Run again at any time.
 */
export function ReadinessPanel() {
  const intl = useIntl();
  const checks = useQuery({
    queryKey: ['me', 'readiness'],
    queryFn: async ({ signal }): Promise<Check[]> => {
      const [list, microphone, mfa, password] = await Promise.all([
        fetchMyPresenceList(signal),
        microphoneStatus(),
        apiRequest('/me/mfa', mfaStatusSchema, { signal }),
        fetchMyPasswordExpiry(signal),
      ]);
      const daysLeft = password.passwordExpiresAt === null ? null : Math.ceil((Date.parse(password.passwordExpiresAt) - Date.now()) / dayMs);
      const text = (id: MessageId, values?: Record<string, string | number>) => intl.formatMessage({ id }, values);
      return [
        {
          key: 'presence-list',
          ok: list.list !== null,
          label: text('readiness.list'),
          detail: list.list === null ? text('readiness.listMissing') : text(list.list.source === 'own' ? 'readiness.listOwn' : 'readiness.listDefault', { name: list.list.name }),
        },
        {
          key: 'microphone',
          ok: microphone.permission === 'granted',
          label: text('readiness.microphone'),
          detail: text(microphone.permission === 'granted' ? 'readiness.microphoneAllowed' : microphone.permission === 'denied' ? 'readiness.microphoneBlocked' : 'readiness.microphoneAsk'),
        },
        {
          key: 'device',
          ok: microphone.hasInput,
          label: text('readiness.device'),
          detail: text(microphone.hasInput ? 'readiness.deviceFound' : 'readiness.deviceMissing'),
        },
        {
          key: 'browser',
          ok: browserSupported(),
          label: text('readiness.browser'),
          detail: text(browserSupported() ? 'readiness.browserOk' : 'readiness.browserUnsupported'),
        },
        {
          key: 'mfa',
          ok: !mfa.required || mfa.totp.enabled,
          label: text('readiness.mfa'),
          detail: text(mfa.totp.enabled ? 'readiness.mfaOn' : mfa.required ? 'readiness.mfaMissing' : 'readiness.mfaOptional'),
        },
        {
          key: 'password',
          ok: daysLeft === null || daysLeft > passwordExpiryWarningDays,
          label: text('readiness.password'),
          detail:
            daysLeft === null
              ? text('readiness.passwordNoExpiry')
              : daysLeft <= 0
                ? text('readiness.passwordExpired')
                : text(daysLeft > passwordExpiryWarningDays ? 'readiness.passwordDaysLeft' : 'readiness.passwordExpiresSoon', { days: daysLeft }),
        },
      ];
    },
  });
  return (
    <section aria-labelledby="readiness-heading" className="info-section readiness">
      <h2 id="readiness-heading">{intl.formatMessage({ id: 'readiness.heading' })}</h2>
      {checks.isPending ? (
        <Loading />
      ) : checks.isError ? (
        <p>{intl.formatMessage({ id: 'readiness.failed' })}</p>
      ) : (
        <ul className="readiness-list">
          {checks.data.map((check) => (
            <li key={check.key} data-check={check.key} data-ok={check.ok ? 'yes' : 'no'} className={check.ok ? 'readiness-ok' : 'readiness-problem'}>
              {check.ok ? <CheckCircleIcon className="icon" /> : <CrossCircleIcon className="icon" />}
              <span className="visually-hidden">{intl.formatMessage({ id: check.ok ? 'readiness.ok' : 'readiness.problem' })}</span>
              <span>
                <strong>{check.label}</strong> {check.detail}
              </span>
            </li>
          ))}
        </ul>
      )}
      <div>
        <Button onPress={() => void checks.refetch()} isDisabled={checks.isFetching}>
          {intl.formatMessage({ id: 'readiness.run' })}
        </Button>
      </div>
    </section>
  );
}
