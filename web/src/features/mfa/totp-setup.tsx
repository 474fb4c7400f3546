import type { TotpEnrolment, TotpPeriod } from '@lanyard/contracts/mfa';
import { useMemo } from 'react';
import { Button } from '../../ui/button.tsx';
import { useIntl } from 'react-intl';
import { copyWithToast } from '../../ui/copy.ts';
import { CopyIcon } from '../../ui/icons.tsx';
import { Message } from '../../ui/message.tsx';
import { RadioGroup } from '../../ui/radio-group.tsx';
import { TextField } from '../../ui/text-field.tsx';

/**
 * The screens of setting up TOTP, shared by My Profile › Security and by the enrolment a policy forces at
 * sign-in ("through the same screens"). Seed 001's MFA Secret: "Enter your MFA secret one of the following
 * ways": let Lanyard create one (scan its QR code, or type it into the app), or type your own; and the
 * period, "how often the MFA key changes, measured in seconds. The default value is 30."
 */

export type SecretSource = 'generate' | 'type';

export interface SecretChoice {
  source: SecretSource;
  secret: string;
  period: TotpPeriod;
}

export const initialSecretChoice: SecretChoice = { source: 'generate', secret: '', period: 30 };

/** The request's part of a choice: a typed secret only when the person chose to type one. */
export function secretRequest(choice: SecretChoice): { secret?: string; period: TotpPeriod } {
  return choice.source === 'type' ? { secret: choice.secret, period: choice.period } : { period: choice.period };
}

export function SecretChoiceFields({
  choice,
  onChange,
  allowedPeriods,
  secretError,
}: {
  choice: SecretChoice;
  onChange: (choice: SecretChoice) => void;
  allowedPeriods: readonly TotpPeriod[];
  secretError: string | undefined;
}) {
  const intl = useIntl();
  return (
    <>
      <RadioGroup<SecretSource>
        name="secretSource"
        label={intl.formatMessage({ id: 'mfa.secret.label' })}
        description={intl.formatMessage({ id: 'mfa.secret.ways' })}
        value={choice.source}
        onChange={(source) => onChange({ ...choice, source })}
        options={[
          { value: 'generate', label: intl.formatMessage({ id: 'mfa.secret.generate' }), description: intl.formatMessage({ id: 'mfa.secret.generateHint' }) },
          { value: 'type', label: intl.formatMessage({ id: 'mfa.secret.type' }), description: intl.formatMessage({ id: 'mfa.secret.typeHint' }) },
        ]}
      />
      {choice.source === 'type' && (
        <TextField
          label={intl.formatMessage({ id: 'mfa.secret.field' })}
          description={intl.formatMessage({ id: 'mfa.secret.fieldHint' })}
          name="mfaSecret"
          isIdentifier
          isRequired
          autoComplete="off"
          maxLength={128}
          value={choice.secret}
          onChange={(secret) => onChange({ ...choice, secret })}
          isInvalid={secretError !== undefined}
          errorMessage={secretError}
        />
      )}
      {allowedPeriods.length > 1 ? (
        <RadioGroup<`${TotpPeriod}`>
          name="period"
          label={intl.formatMessage({ id: 'mfa.period.label' })}
          description={intl.formatMessage({ id: 'mfa.period.hint' })}
          value={`${choice.period}`}
          onChange={(period) => onChange({ ...choice, period: period === '60' ? 60 : 30 })}
          options={allowedPeriods.map((period) => ({ value: `${period}` as const, label: intl.formatMessage({ id: 'mfa.period.seconds' }, { seconds: period }) }))}
        />
      ) : (
        <p className="field-label-static">
          <span className="field-label">{intl.formatMessage({ id: 'mfa.period.label' })}</span>
          <span className="block">{intl.formatMessage({ id: 'mfa.period.seconds' }, { seconds: 30 })}</span>
          <span className="field-description block">{intl.formatMessage({ id: 'mfa.period.hint' })}</span>
        </p>
      )}
    </>
  );
}

/** The secret in groups of four, as authenticator apps print it, so it is easier to read and type. */
export function groupSecret(secret: string): string {
  return secret.replace(/(.{4})(?=.)/g, '$1 ');
}

/** Step two: the QR code to scan and the same secret as text, with a copy button. */
export function EnrolmentDetails({ enrolment }: { enrolment: TotpEnrolment }) {
  const intl = useIntl();
  const qrSource = useMemo(() => `data:image/svg+xml;base64,${btoa(enrolment.qrSvg)}`, [enrolment.qrSvg]);
  const secretLabel = intl.formatMessage({ id: 'mfa.secret.label' });
  return (
    <div className="enrolment">
      <ol className="enrolment-steps">
        <li>
          <p>{intl.formatMessage({ id: 'mfa.setup.scan' })}</p>
          <img className="qr-code" src={qrSource} width={184} height={184} alt={intl.formatMessage({ id: 'mfa.setup.qrAlt' })} />
        </li>
        <li>
          <p>{intl.formatMessage({ id: 'mfa.setup.orType' })}</p>
          <span className="value-with-action">
            <code className="identifier secret" data-field="mfa-secret" aria-label={secretLabel}>
              {groupSecret(enrolment.secret)}
            </code>
            <Button size="small" onPress={() => void copyWithToast(intl, enrolment.secret, secretLabel)}>
              <CopyIcon />
              {intl.formatMessage({ id: 'mfa.setup.copySecret' })}
            </Button>
          </span>
          <p className="muted small">{intl.formatMessage({ id: 'mfa.setup.periodIs' }, { seconds: enrolment.period })}</p>
        </li>
        <li>
          <p>{intl.formatMessage({ id: 'mfa.setup.enterCode' })}</p>
        </li>
      </ol>
    </div>
  );
}

/** The six digits of an authenticator app: numeric keyboard, and the browser may fill a code it received. */
export function AuthenticationCodeField({ value, onChange, autoFocus = false }: { value: string; onChange: (value: string) => void; autoFocus?: boolean }) {
  const intl = useIntl();
  return (
    <TextField
      label={intl.formatMessage({ id: 'mfa.code.label' })}
      description={intl.formatMessage({ id: 'mfa.code.hint' })}
      name="code"
      autoComplete="one-time-code"
      inputMode="numeric"
      isIdentifier
      isRequired
      maxLength={10}
      value={value}
      onChange={onChange}
      autoFocus={autoFocus}
    />
  );
}

/** The ten recovery codes, shown once: Download as a text file, Copy, then Done. */
export function RecoveryCodesPanel({ codes, onDone, doneLabel, headingLevel = 3 }: { codes: readonly string[]; onDone: () => void; doneLabel?: string; headingLevel?: 2 | 3 }) {
  const intl = useIntl();
  const heading = intl.formatMessage({ id: 'mfa.recovery.heading' });
  const text = `${intl.formatMessage({ id: 'mfa.recovery.fileHeader' })}\n\n${codes.join('\n')}\n`;

  function download() {
    const url = URL.createObjectURL(new Blob([text], { type: 'text/plain;charset=utf-8' }));
    const link = document.createElement('a');
    link.href = url;
    link.download = 'lanyard-recovery-codes.txt';
    document.body.append(link);
    link.click();
    link.remove();
    URL.revokeObjectURL(url);
  }

  return (
    <section className="recovery-codes-panel" aria-labelledby="recovery-codes-heading">
      {headingLevel === 2 ? <h2 id="recovery-codes-heading">{heading}</h2> : <h3 id="recovery-codes-heading">{heading}</h3>}
      <Message tone="info" title={intl.formatMessage({ id: 'mfa.recovery.onceTitle' })}>
        <p>{intl.formatMessage({ id: 'mfa.recovery.onceBody' })}</p>
      </Message>
      <ol className="recovery-codes" aria-label={heading}>
        {codes.map((code) => (
          <li key={code}>
            <code className="identifier">{code}</code>
          </li>
        ))}
      </ol>
      <div className="form-actions">
        <Button onPress={download}>
          {intl.formatMessage({ id: 'mfa.recovery.download' })}
        </Button>
        <Button onPress={() => void copyWithToast(intl, codes.join('\n'), heading)}>
          {intl.formatMessage({ id: 'mfa.recovery.copy' })}
        </Button>
        <Button variant="primary" onPress={onDone}>
          {doneLabel ?? intl.formatMessage({ id: 'mfa.recovery.done' })}
        </Button>
      </div>
    </section>
  );
}
