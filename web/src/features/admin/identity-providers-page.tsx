import type { ConnectionTest, IdentityProviderView } from '@lanyard/contracts/sso';
import { useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Dialog, Form, Heading } from 'react-aria-components';
import { Button } from '../../ui/button.tsx';
import { useIntl, type IntlShape } from 'react-intl';
import { createIdentityProvider, deleteIdentityProvider, identityProvidersQueryKey, listIdentityProviders, testIdentityProvider, updateIdentityProvider } from '../../api/sso.ts';
import type { MessageId } from '../../i18n/messages.ts';
import { Checkbox } from '../../ui/checkbox.tsx';
import { ConfirmDialog } from '../../ui/confirm-dialog.tsx';
import { DataTable, RowActions } from '../../ui/data-table.tsx';
import { useCommand } from '../../ui/use-command.ts';
import { copyWithToast } from '../../ui/copy.ts';
import { AlertRegion, Message } from '../../ui/message.tsx';
import { TextField } from '../../ui/text-field.tsx';
import { AdminPage, QueryState } from './admin-page.tsx';
import { DismissableModal } from '../../ui/dismissable-modal.tsx';

const callbackPath = '/api/v1/auth/sso/callback';

/** Administration › Identity providers (SPEC §3.5, `identityProviders.manage`): OpenID Connect providers of the tenant. */
export function IdentityProvidersPage() {
  const intl = useIntl();
  return (
    <AdminPage
      title={intl.formatMessage({ id: 'idp.heading' })}
      eyebrow={intl.formatMessage({ id: 'admin.eyebrow' })}
      heading={intl.formatMessage({ id: 'idp.heading' })}
      permission="identityProviders.manage"
    >
      <IdentityProviders />
    </AdminPage>
  );
}

function IdentityProviders() {
  const intl = useIntl();
  const providers = useQuery({ queryKey: identityProvidersQueryKey, queryFn: ({ signal }) => listIdentityProviders(signal) });
  const [editing, setEditing] = useState<IdentityProviderView | 'new' | null>(null);
  const [toDelete, setToDelete] = useState<IdentityProviderView | null>(null);
  const [tested, setTested] = useState<{ provider: IdentityProviderView; result: ConnectionTest } | null>(null);

  const remove = useCommand({
    run: (provider: IdentityProviderView) => deleteIdentityProvider(provider.id),
    invalidates: [identityProvidersQueryKey],
    failure: 'toast',
    onSuccess: (_result, provider) => {
      setToDelete(null);
      if (tested?.provider.id === provider.id) setTested(null);
    },
    onError: () => setToDelete(null),
    success: (_result, provider) => ({ id: 'idp.deleted', values: { name: provider.name } }),
  });
  const test = useCommand({
    run: (provider: IdentityProviderView) => testIdentityProvider(provider.id),
    invalidates: [],
    failure: 'toast',
    onSuccess: (result, provider) => setTested({ provider, result }),
  });

  // The server answers the redirect URI with each provider (LANYARD_PUBLIC_URL + the callback path); before the first, this origin's.
  const redirectUri = providers.data?.[0]?.redirectUri ?? `${window.location.origin}${callbackPath}`;
  return (
    <div className="identity-providers">
      <section className="panel-section" aria-labelledby="idp-redirect-heading">
        <h2 id="idp-redirect-heading">{intl.formatMessage({ id: 'idp.redirectHeading' })}</h2>
        <p>{intl.formatMessage({ id: 'idp.redirectIntro' })}</p>
        <p className="redirect-uri">
          <code data-testid="redirect-uri">{redirectUri}</code>
          <Button size="small" onPress={() => void copyWithToast(intl, redirectUri, intl.formatMessage({ id: 'idp.redirectWhat' }))}>
            {intl.formatMessage({ id: 'idp.copyRedirect' })}
          </Button>
        </p>
      </section>
      <section className="panel-section" aria-labelledby="idp-list-heading">
        <h2 id="idp-list-heading">{intl.formatMessage({ id: 'idp.list' })}</h2>
        <div>
          <Button variant="primary" onPress={() => setEditing('new')}>
            {intl.formatMessage({ id: 'idp.add' })}
          </Button>
        </div>
        {providers.isPending || providers.isError ? (
          <QueryState query={providers} failedTitle={intl.formatMessage({ id: 'idp.loadFailed' })} />
        ) : providers.data.length === 0 ? (
          <p>{intl.formatMessage({ id: 'idp.none' })}</p>
        ) : (
          <DataTable
            caption={{ id: 'idp.list' }}
            rows={providers.data}
            rowKey={(provider) => provider.id}
            rowData={(provider) => ({ 'data-provider': provider.name })}
            columns={[
              {
                key: 'name',
                header: 'idp.column.name',
                kind: 'rowHeader',
                cell: (provider) => (
                  <>
                    {provider.name}
                    {provider.isDefault && <span className="badge badge-success">{intl.formatMessage({ id: 'idp.default' })}</span>}
                  </>
                ),
              },
              { key: 'issuer', header: 'idp.column.issuer', cell: (provider) => <code>{provider.issuer}</code> },
              {
                key: 'domains',
                header: 'idp.column.domains',
                cell: (provider) => (provider.emailDomains.length === 0 ? intl.formatMessage({ id: 'idp.noDomains' }) : provider.emailDomains.join(', ')),
              },
              {
                key: 'actions',
                header: 'keys.column.actions',
                kind: 'actions',
                cell: (provider) => (
                  <RowActions>
                    <Button size="small" aria-label={intl.formatMessage({ id: 'idp.editLabel' }, { name: provider.name })} onPress={() => setEditing(provider)}>
                      {intl.formatMessage({ id: 'idp.edit' })}
                    </Button>
                    <Button size="small" aria-label={intl.formatMessage({ id: 'idp.testLabel' }, { name: provider.name })} onPress={() => test.run(provider)}>
                      {intl.formatMessage({ id: 'idp.test' })}
                    </Button>
                    <Button size="small" aria-label={intl.formatMessage({ id: 'idp.deleteLabel' }, { name: provider.name })} onPress={() => setToDelete(provider)}>
                      {intl.formatMessage({ id: 'app.delete' })}
                    </Button>
                  </RowActions>
                ),
              },
            ]}
          />
        )}
        {test.isPending && <p className="muted">{intl.formatMessage({ id: 'idp.testing' })}</p>}
        {tested !== null && <TestResult name={tested.provider.name} result={tested.result} />}
      </section>
      <DismissableModal wide isOpen={editing !== null} onClose={() => setEditing(null)}>
        {editing !== null && <ProviderDialog provider={editing === 'new' ? null : editing} onDone={() => setEditing(null)} />}
      </DismissableModal>
      <ConfirmDialog
        isOpen={toDelete !== null}
        heading={{ id: 'idp.deleteHeading', values: { name: toDelete?.name ?? '' } }}
        confirmLabel={{ id: 'app.delete' }}
        danger
        isPending={remove.isPending}
        onCancel={() => setToDelete(null)}
        onConfirm={() => {
          if (toDelete !== null) remove.run(toDelete);
        }}
      >
        <p>{intl.formatMessage({ id: 'idp.deleteBody' })}</p>
      </ConfirmDialog>
    </div>
  );
}

const checkLabels: Record<ConnectionTest['checks'][number]['check'], MessageId> = {
  discovery: 'idp.check.discovery',
  issuer: 'idp.check.issuer',
  authorizationEndpoint: 'idp.check.authorizationEndpoint',
  tokenEndpoint: 'idp.check.tokenEndpoint',
  jwks: 'idp.check.jwks',
  codeFlow: 'idp.check.codeFlow',
  pkceS256: 'idp.check.pkceS256',
  signingAlgorithms: 'idp.check.signingAlgorithms',
};

const reasonLabels: Readonly<Record<string, MessageId>> = {
  unreachable: 'idp.reason.unreachable',
  'address-not-allowed': 'idp.reason.address-not-allowed',
  timeout: 'idp.reason.timeout',
  'not-json': 'idp.reason.not-json',
  missing: 'idp.reason.missing',
  'issuer-mismatch': 'idp.reason.issuer-mismatch',
  'code-not-supported': 'idp.reason.code-not-supported',
  'not-advertised': 'idp.reason.not-advertised',
  's256-not-supported': 'idp.reason.s256-not-supported',
  'no-signed-id-tokens': 'idp.reason.no-signed-id-tokens',
};

function reasonText(intl: IntlShape, reason: string): string {
  const known = reasonLabels[reason];
  if (known !== undefined) return intl.formatMessage({ id: known });
  const http = /^http-(\d{3})$/.exec(reason);
  if (http !== null) return intl.formatMessage({ id: 'idp.reason.http' }, { status: http[1] });
  return reason;
}

/** Test connection: each check of the discovery document, with what was found and the coded reason of a failure. */
function TestResult({ name, result }: { name: string; result: ConnectionTest }) {
  const intl = useIntl();
  return (
    <div className="connection-test" role="status" aria-live="polite">
      <Message tone={result.ok ? 'success' : 'error'} title={intl.formatMessage({ id: result.ok ? 'idp.testOk' : 'idp.testFailed' }, { name })} />
      <ul className="check-list" aria-label={intl.formatMessage({ id: 'idp.testChecks' }, { name })}>
        {result.checks.map((check) => (
          <li key={check.check} data-check={check.check} data-ok={check.ok}>
            <strong>{intl.formatMessage({ id: check.ok ? 'idp.checkOk' : 'idp.checkFailed' })}</strong> {intl.formatMessage({ id: checkLabels[check.check] })}
            {check.reason !== undefined && <> {intl.formatMessage({ id: 'idp.reasonWithCode' }, { reason: reasonText(intl, check.reason), code: <code>{check.reason}</code> })}</>}
            {check.found !== undefined && <> {intl.formatMessage({ id: 'idp.found' }, { found: <code>{Array.isArray(check.found) ? check.found.join(', ') : check.found}</code> })}</>}
          </li>
        ))}
      </ul>
    </div>
  );
}

function splitList(value: string): string[] {
  return value
    .split(/[\s,]+/)
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

function ProviderDialog({ provider, onDone }: { provider: IdentityProviderView | null; onDone: () => void }) {
  const intl = useIntl();
  const [name, setName] = useState(provider?.name ?? '');
  const [issuer, setIssuer] = useState(provider?.issuer ?? '');
  const [clientId, setClientId] = useState(provider?.clientId ?? '');
  const [clientSecret, setClientSecret] = useState('');
  const [scopes, setScopes] = useState((provider?.scopes ?? ['openid', 'email', 'profile']).join(' '));
  const [emailDomains, setEmailDomains] = useState((provider?.emailDomains ?? []).join(', '));
  const [buttonLabel, setButtonLabel] = useState(provider?.buttonLabel ?? '');
  const [isDefault, setIsDefault] = useState(provider?.isDefault ?? false);
  const [autoLink, setAutoLink] = useState(provider?.autoLinkVerifiedEmail ?? false);
  const [mfaAmr, setMfaAmr] = useState((provider?.mfaAssurance.amr ?? []).join(' '));
  const [mfaAcr, setMfaAcr] = useState((provider?.mfaAssurance.acr ?? []).join(' '));
  const [mfaAuthnContext, setMfaAuthnContext] = useState((provider?.mfaAssurance.authnContextClassRefs ?? []).join(' '));

  const save = useCommand({
    run: async () => {
      const fields = {
        name: name.trim(),
        issuer: issuer.trim(),
        clientId: clientId.trim(),
        scopes: splitList(scopes),
        emailDomains: splitList(emailDomains).map((domain) => domain.toLowerCase()),
        buttonLabel: buttonLabel.trim() === '' ? null : buttonLabel.trim(),
        isDefault,
        autoLinkVerifiedEmail: autoLink,
        mfaAssurance: { amr: splitList(mfaAmr), acr: splitList(mfaAcr), authnContextClassRefs: splitList(mfaAuthnContext) },
      };
      if (provider === null) return createIdentityProvider({ ...fields, clientSecret });
      return updateIdentityProvider(provider.id, { ...fields, ...(clientSecret === '' ? {} : { clientSecret }) });
    },
    invalidates: [identityProvidersQueryKey],
    onSuccess: onDone,
    success: (saved) => ({ id: provider === null ? 'idp.created' : 'idp.saved', values: { name: saved.name } }),
  });

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    save.run();
  }

  return (
    <Dialog className="dialog">
      <Heading slot="title" className="dialog-title">
        {provider === null ? intl.formatMessage({ id: 'idp.addHeading' }) : intl.formatMessage({ id: 'idp.editHeading' }, { name: provider.name })}
      </Heading>
      <AlertRegion message={save.problem === null ? null : { tone: 'error', title: save.problem }} />
      <Form className="form" onSubmit={submit}>
        <TextField label={intl.formatMessage({ id: 'idp.field.name' })} name="name" value={name} onChange={setName} maxLength={100} isRequired autoFocus />
        <TextField
          label={intl.formatMessage({ id: 'idp.field.issuer' })}
          description={intl.formatMessage({ id: 'idp.field.issuerHint' })}
          name="issuer"
          type="url"
          isIdentifier
          value={issuer}
          onChange={setIssuer}
          maxLength={2048}
          isRequired
        />
        <TextField label={intl.formatMessage({ id: 'idp.field.clientId' })} name="clientId" isIdentifier value={clientId} onChange={setClientId} maxLength={255} isRequired />
        <TextField
          label={intl.formatMessage({ id: 'idp.field.clientSecret' })}
          description={intl.formatMessage({ id: provider === null ? 'idp.field.clientSecretHint' : 'idp.field.clientSecretKeep' })}
          name="clientSecret"
          type="password"
          autoComplete="off"
          value={clientSecret}
          onChange={setClientSecret}
          maxLength={1024}
          isRequired={provider === null}
        />
        <TextField label={intl.formatMessage({ id: 'idp.field.scopes' })} description={intl.formatMessage({ id: 'idp.field.scopesHint' })} name="scopes" isIdentifier value={scopes} onChange={setScopes} />
        <TextField
          label={intl.formatMessage({ id: 'idp.field.emailDomains' })}
          description={intl.formatMessage({ id: 'idp.field.emailDomainsHint' })}
          name="emailDomains"
          isIdentifier
          value={emailDomains}
          onChange={setEmailDomains}
        />
        <TextField
          label={intl.formatMessage({ id: 'idp.field.buttonLabel' })}
          description={intl.formatMessage({ id: 'idp.field.buttonLabelHint' })}
          name="buttonLabel"
          value={buttonLabel}
          onChange={setButtonLabel}
          maxLength={100}
        />
        <Checkbox name="isDefault" label={intl.formatMessage({ id: 'idp.field.isDefault' })} description={intl.formatMessage({ id: 'idp.field.isDefaultHint' })} isSelected={isDefault} onChange={setIsDefault} />
        <Checkbox name="autoLink" label={intl.formatMessage({ id: 'idp.field.autoLink' })} description={intl.formatMessage({ id: 'idp.field.autoLinkHint' })} isSelected={autoLink} onChange={setAutoLink} />
        <TextField label={intl.formatMessage({ id: 'idp.field.mfaAmr' })} description={intl.formatMessage({ id: 'idp.field.mfaAmrHint' })} name="mfaAmr" isIdentifier value={mfaAmr} onChange={setMfaAmr} />
        <TextField label={intl.formatMessage({ id: 'idp.field.mfaAcr' })} description={intl.formatMessage({ id: 'idp.field.mfaAcrHint' })} name="mfaAcr" isIdentifier value={mfaAcr} onChange={setMfaAcr} />
        <TextField
          label={intl.formatMessage({ id: 'idp.field.mfaAuthnContext' })}
          description={intl.formatMessage({ id: 'idp.field.mfaAuthnContextHint' })}
          name="mfaAuthnContext"
          isIdentifier
          value={mfaAuthnContext}
          onChange={setMfaAuthnContext}
        />
        <div className="form-actions">
          <Button type="submit" variant="primary">
            {intl.formatMessage({ id: 'app.save' })}
          </Button>
          <Button slot="close">
            {intl.formatMessage({ id: 'app.cancel' })}
          </Button>
          {save.isPending && <span className="muted">{intl.formatMessage({ id: 'idp.saving' })}</span>}
        </div>
      </Form>
    </Dialog>
  );
}
