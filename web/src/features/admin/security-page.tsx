import { useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Form } from 'react-aria-components';
import { Button, buttonClass } from '../../ui/button.tsx';
import { useIntl } from 'react-intl';
import { Link } from 'react-router';
import { fetchPolicy, policyQueryKey, savePolicy, type Policies, type PolicyKind } from '../../api/admin.ts';
import { useMe } from '../../session/me-context.ts';
import type { MessageId } from '../../i18n/messages.ts';
import { Checkbox } from '../../ui/checkbox.tsx';
import { AlertRegion } from '../../ui/message.tsx';
import { NumberField, type Unit } from '../../ui/number-field.tsx';
import { useCommand } from '../../ui/use-command.ts';
import { AdminPage, QueryState } from './admin-page.tsx';
import { MfaPolicySection } from './mfa-policy-section.tsx';

interface NumberSetting {
  field: string;
  label: MessageId;
  hint: MessageId;
  unit: Unit;
  min: number;
  max: number;
  /** A value that may be switched off (null), e.g. "no limit". */
  offLabel?: MessageId;
}

/** The ranges are the contract's (contracts/src/admin.ts); the server refuses anything else too. */
const settings: { [K in PolicyKind]: { heading: MessageId; intro: MessageId; saved: MessageId; fields: NumberSetting[] } } = {
  session: {
    heading: 'securityPage.session.heading',
    intro: 'securityPage.session.intro',
    saved: 'securityPage.session.saved',
    fields: [
      { field: 'idleMinutes', label: 'securityPage.session.idle', hint: 'securityPage.session.idleHint', unit: 'minutes', min: 1, max: 1440 },
      { field: 'absoluteHours', label: 'securityPage.session.absolute', hint: 'securityPage.session.absoluteHint', unit: 'hours', min: 1, max: 720 },
    ],
  },
  'access-key': {
    heading: 'securityPage.accessKey.heading',
    intro: 'securityPage.accessKey.intro',
    saved: 'securityPage.accessKey.saved',
    fields: [
      { field: 'maxPerUser', label: 'securityPage.accessKey.maxPerUser', hint: 'securityPage.accessKey.maxPerUserHint', unit: 'keys', min: 1, max: 100 },
      { field: 'maxKeyLifetimeDays', label: 'securityPage.accessKey.lifetime', hint: 'securityPage.accessKey.lifetimeHint', unit: 'days', min: 1, max: 3650, offLabel: 'securityPage.accessKey.noLimit' },
      { field: 'tokenLifetimeMinutes', label: 'securityPage.accessKey.token', hint: 'securityPage.accessKey.tokenHint', unit: 'minutes', min: 1, max: 60 },
    ],
  },
  invitation: {
    heading: 'securityPage.invitation.heading',
    intro: 'securityPage.invitation.intro',
    saved: 'securityPage.invitation.saved',
    fields: [{ field: 'lifetimeHours', label: 'securityPage.invitation.lifetime', hint: 'securityPage.invitation.lifetimeHint', unit: 'hours', min: 1, max: 168 }],
  },
  lockout: {
    heading: 'securityPage.lockout.heading',
    intro: 'securityPage.lockout.intro',
    saved: 'securityPage.lockout.saved',
    fields: [
      { field: 'maxFailures', label: 'securityPage.lockout.maxFailures', hint: 'securityPage.lockout.maxFailuresHint', unit: 'attempts', min: 1, max: 100 },
      { field: 'lockMinutes', label: 'securityPage.lockout.lockMinutes', hint: 'securityPage.lockout.lockMinutesHint', unit: 'minutes', min: 1, max: 1440 },
    ],
  },
};

const kinds: PolicyKind[] = ['session', 'access-key', 'invitation', 'lockout'];

/** Whether a number fits the setting: a whole number within its range. */
export function settingProblem(value: number | null, setting: Pick<NumberSetting, 'min' | 'max' | 'offLabel'>): { min: number; max: number } | null {
  if (value === null) return setting.offLabel === undefined ? { min: setting.min, max: setting.max } : null;
  return Number.isInteger(value) && value >= setting.min && value <= setting.max ? null : { min: setting.min, max: setting.max };
}

/** Administration › Security (SPEC §3.9, `security.policies.manage`): every policy of the tenant. */
export function SecurityPage() {
  const intl = useIntl();
  const me = useMe();
  return (
    <AdminPage
      title={intl.formatMessage({ id: 'securityPage.heading' })}
      eyebrow={intl.formatMessage({ id: 'admin.eyebrow' })}
      heading={intl.formatMessage({ id: 'securityPage.heading' })}
      permission="security.policies.manage"
    >
      <section className="panel-section" aria-labelledby="password-policy-link-heading">
        <h2 id="password-policy-link-heading">{intl.formatMessage({ id: 'policyPage.heading' })}</h2>
        <p>{intl.formatMessage({ id: 'securityPage.passwordIntro' })}</p>
        <div className="form-actions">
          <Link to="/admin/security/password-policy" className={buttonClass()}>
            {intl.formatMessage({ id: 'securityPage.passwordOpen' })}
          </Link>
          {me.permissions.includes('accessKeys.manage') && (
            <Link to="/admin/security/access-keys" className={buttonClass()}>
              {intl.formatMessage({ id: 'securityPage.accessKeysOpen' })}
            </Link>
          )}
        </div>
      </section>
      <MfaPolicySection />
      {kinds.map((kind) => (
        <PolicySection key={kind} kind={kind} />
      ))}
    </AdminPage>
  );
}

function PolicySection<K extends PolicyKind>({ kind }: { kind: K }) {
  const intl = useIntl();
  const config = settings[kind];
  const policy = useQuery({ queryKey: policyQueryKey(kind), queryFn: ({ signal }) => fetchPolicy(kind, signal) });
  const headingId = `${kind}-policy-heading`;
  return (
    <section className="panel-section" aria-labelledby={headingId} data-policy={kind}>
      <h2 id={headingId}>{intl.formatMessage({ id: config.heading })}</h2>
      <p>{intl.formatMessage({ id: config.intro })}</p>
      {policy.isPending || policy.isError ? (
        <QueryState query={policy} failedTitle={intl.formatMessage({ id: 'securityPage.loadFailed' })} />
      ) : (
        <PolicyForm kind={kind} initial={policy.data} headingId={headingId} />
      )}
    </section>
  );
}

function PolicyForm<K extends PolicyKind>({ kind, initial, headingId }: { kind: K; initial: Policies[K]; headingId: string }) {
  const intl = useIntl();
  const config = settings[kind];
  const [values, setValues] = useState<Record<string, number | null>>(() => ({ ...(initial as unknown as Record<string, number | null>) }));
  const problems = Object.fromEntries(config.fields.map((setting) => [setting.field, settingProblem(values[setting.field] ?? null, setting)]));
  const valid = Object.values(problems).every((entry) => entry === null);
  const save = useCommand({
    run: () => savePolicy(kind, values as unknown as Policies[K]),
    invalidates: [policyQueryKey(kind)],
    success: () => ({ id: config.saved }),
  });

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (valid) save.run();
  }

  return (
    <Form className="form" onSubmit={submit} aria-labelledby={headingId}>
      <AlertRegion message={save.problem === null ? null : { tone: 'error', title: save.problem }} />
      <div className="field-row">
        {config.fields.map((setting) => {
          const value = values[setting.field] ?? null;
          const found = problems[setting.field] ?? null;
          return (
            <div key={setting.field} className="stack-tight">
              {value === null && setting.offLabel !== undefined ? (
                <p className="field-label-static">
                  <span className="field-label">{intl.formatMessage({ id: setting.label })}</span>
                  <span className="block">{intl.formatMessage({ id: 'securityPage.off' })}</span>
                </p>
              ) : (
                <NumberField
                  label={intl.formatMessage({ id: setting.label })}
                  unit={setting.unit}
                  name={setting.field}
                  value={value ?? Number.NaN}
                  minValue={setting.min}
                  maxValue={setting.max}
                  description={intl.formatMessage({ id: setting.hint }, { min: setting.min, max: setting.max })}
                  errorMessage={found === null ? undefined : intl.formatMessage({ id: 'policy.outOfRange' }, found)}
                  onChange={(next) => setValues({ ...values, [setting.field]: next })}
                />
              )}
              {setting.offLabel !== undefined && (
                <Checkbox
                  name={`${setting.field}-off`}
                  label={intl.formatMessage({ id: setting.offLabel })}
                  isSelected={value === null}
                  onChange={(off) => setValues({ ...values, [setting.field]: off ? null : Math.min(365, setting.max) })}
                />
              )}
            </div>
          );
        })}
      </div>
      <div className="form-actions">
        <Button type="submit" variant="primary" isDisabled={!valid || save.isPending}>
          {intl.formatMessage({ id: 'app.save' })}
        </Button>
        {!valid && <span className="field-description">{intl.formatMessage({ id: 'policy.saveHint' })}</span>}
        {save.isPending && <span className="muted">{intl.formatMessage({ id: 'app.saving' })}</span>}
      </div>
    </Form>
  );
}
