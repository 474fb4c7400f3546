import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useIntl } from 'react-intl';
import { Navigate, useLocation, useNavigate } from 'react-router';
import { meQueryKey } from '../api/session.ts';
import { SecondStep } from '../features/login/second-step.tsx';
import { showToast } from '../ui/toasts.tsx';
import { landingPath } from '../session/landing.ts';
import { reloadForSwitchedTenant } from './tenant-picker.tsx';
import { readTenantSwitchState } from './tenant-switch-state.ts';

/**
 * The second step of a tenant switch from the tenant picker: the sign-in's enrolment screens (`403 MFA_ENROLLMENT_REQUIRED`), or its
 * code step (`403 MFA_CODE_REQUIRED`), with the challenge the refusal carried. When the code is accepted the server has opened a session in that tenant and ended this
 * one; after the recovery codes the person lands there. Cancelling leaves them where they were.
 */
export function TenantSwitchPage() {
  const intl = useIntl();
  const location = useLocation();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  // Read once: the challenge is single use, so it is not kept in the history for Back or a reload.
  const [request] = useState(() => readTenantSwitchState(location.state));
  useEffect(() => {
    if (request !== undefined) void navigate(location.pathname, { replace: true, state: null });
  }, []);

  if (request === undefined) return <Navigate to="/" replace />;

  async function enter(name: string) {
    const me = await reloadForSwitchedTenant(queryClient);
    if (me === null) return;
    showToast({ tone: 'success', text: intl.formatMessage({ id: 'tenantPicker.switched' }, { name }) });
    await navigate(landingPath(me.permissions), { replace: true });
  }

  /** Cancelled, or the challenge is gone (expired, or this session ended meanwhile): back where the person was, the session checked again. */
  async function leave(problem: string | null) {
    if (problem !== null) {
      showToast({ tone: 'error', text: problem });
      await queryClient.invalidateQueries({ queryKey: meQueryKey, exact: true });
    }
    await navigate('/', { replace: true });
  }

  return (
    <SecondStep
      request={request.allowedPeriods.length === 0 ? { kind: 'code', challenge: request.challenge } : { kind: 'enrol', challenge: request.challenge, allowedPeriods: request.allowedPeriods }}
      texts={{
        codeIntro: intl.formatMessage({ id: 'tenantSwitch.codeIntro' }, { tenant: request.tenantName, current: request.currentName }),
        required: intl.formatMessage({ id: 'tenantSwitch.required' }, { tenant: request.tenantName }),
        intro: intl.formatMessage({ id: 'tenantSwitch.intro' }, { tenant: request.tenantName, current: request.currentName }),
        back: intl.formatMessage({ id: 'tenantSwitch.cancel' }, { current: request.currentName }),
        continue: intl.formatMessage({ id: 'tenantSwitch.continue' }, { tenant: request.tenantName }),
      }}
      onSignedIn={() => void enter(request.tenantName)}
      onRestart={(problem) => void leave(problem)}
    />
  );
}
