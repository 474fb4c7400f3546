import { textSizes, toastDurationMaxSeconds, toastDurationMinSeconds, type Preferences, type TextSize } from '@lanyard/contracts/account';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Label, Radio, RadioGroup, Slider, SliderOutput, SliderThumb, SliderTrack } from 'react-aria-components';
import { Button } from '../../ui/button.tsx';
import { useIntl } from 'react-intl';
import { Link } from 'react-router';
import { fetchPreferences, preferencesQueryKey, savePreferences } from '../../api/account.ts';
import { messageForError } from '../../ui/error-message.ts';
import { applyPreferences } from '../../session/preferences.ts';
import type { StatementLinkState } from '../../ui/statement-link.tsx';
import { Checkbox } from '../../ui/checkbox.tsx';
import { Loading } from '../../ui/loading.tsx';
import { AlertRegion } from '../../ui/message.tsx';
import { showToast } from '../../ui/toasts.tsx';

const textSizeLabels = { default: 'accessibility.textSize.default', large: 'accessibility.textSize.large', larger: 'accessibility.textSize.larger' } as const;

/** My Profile › Accessibility (seed 000): toast message duration, reduced motion, high contrast, text size; each change is saved and applied at once. */
export function AccessibilityTab() {
  const intl = useIntl();
  const queryClient = useQueryClient();
  const stored = useQuery({ queryKey: preferencesQueryKey, queryFn: ({ signal }) => fetchPreferences(signal) });
  const [problem, setProblem] = useState<string | null>(null);
  const save = useMutation({
    mutationFn: (change: { preferences: Preferences; announce: boolean }) => savePreferences(change.preferences),
    // One save at a time, in order: each slider step saves, and answers arriving out of order would leave
    // an older value stored and applied (3 → 7 could end at 6).
    scope: { id: 'preferences' },
    onMutate: (change) => applyPreferences(change.preferences),
    onSuccess: (saved, change) => {
      queryClient.setQueryData(preferencesQueryKey, saved);
      applyPreferences(saved);
      // The slider announces its own value at every step: a toast per step would only be noise.
      if (change.announce) showToast({ tone: 'success', text: intl.formatMessage({ id: 'accessibility.saved' }) });
    },
    onError: (error) => {
      setProblem(messageForError(intl, error));
      if (stored.data !== undefined) applyPreferences(stored.data);
    },
  });

  if (stored.data === undefined) return <Loading />;
  const current = stored.data;
  const change = (patch: Partial<Preferences>, announce = true) => {
    setProblem(null);
    save.mutate({ preferences: { ...current, ...patch }, announce });
  };

  return (
    <div className="stack">
      <AlertRegion message={problem === null ? null : { tone: 'error', title: problem }} />
      <section aria-labelledby="toast-duration-heading" className="panel-section">
        <h2 id="toast-duration-heading">{intl.formatMessage({ id: 'accessibility.toasts.heading' })}</h2>
        <p>{intl.formatMessage({ id: 'accessibility.toasts.body' })}</p>
        <Slider
          className="preference-slider"
          minValue={toastDurationMinSeconds}
          maxValue={toastDurationMaxSeconds}
          step={1}
          defaultValue={current.toastDurationSeconds}
          onChangeEnd={(value) => change({ toastDurationSeconds: Array.isArray(value) ? (value[0] as number) : value }, false)}
          formatOptions={{ style: 'unit', unit: 'second', unitDisplay: 'long' }}
        >
          <div className="preference-slider-header">
            <Label>{intl.formatMessage({ id: 'accessibility.toasts.label' })}</Label>
            <SliderOutput />
          </div>
          <SliderTrack className="slider-track">
            <SliderThumb className="slider-thumb" />
          </SliderTrack>
        </Slider>
        <Button size="small" onPress={() => showToast({ tone: 'success', text: intl.formatMessage({ id: 'accessibility.toasts.sample' }) })}>
          {intl.formatMessage({ id: 'accessibility.toasts.try' })}
        </Button>
      </section>
      <section aria-labelledby="display-heading" className="panel-section">
        <h2 id="display-heading">{intl.formatMessage({ id: 'accessibility.display.heading' })}</h2>
        <Checkbox
          name="reducedMotion"
          label={intl.formatMessage({ id: 'accessibility.reducedMotion' })}
          description={intl.formatMessage({ id: 'accessibility.reducedMotion.description' })}
          isSelected={current.reducedMotion}
          onChange={(reducedMotion) => change({ reducedMotion })}
        />
        <Checkbox
          name="highContrast"
          label={intl.formatMessage({ id: 'accessibility.highContrast' })}
          description={intl.formatMessage({ id: 'accessibility.highContrast.description' })}
          isSelected={current.highContrast}
          onChange={(highContrast) => change({ highContrast })}
        />
        <RadioGroup className="text-size-group" value={current.textSize} onChange={(value) => change({ textSize: value as TextSize })}>
          <Label className="field-label">{intl.formatMessage({ id: 'accessibility.textSize' })}</Label>
          {textSizes.map((size) => (
            <Radio key={size} value={size} className="text-size-radio">
              {intl.formatMessage({ id: textSizeLabels[size] })}
            </Radio>
          ))}
        </RadioGroup>
      </section>
      <section aria-labelledby="statement-heading" className="panel-section">
        <h2 id="statement-heading">{intl.formatMessage({ id: 'accessibility.statement.heading' })}</h2>
        <p>{intl.formatMessage({ id: 'accessibility.statement.body' })}</p>
        <Link to="/accessibility-statement" state={{ feedbackFrom: '/profile/accessibility' } satisfies StatementLinkState}>
          {intl.formatMessage({ id: 'accessibility.statement.link' })}
        </Link>
      </section>
    </div>
  );
}
