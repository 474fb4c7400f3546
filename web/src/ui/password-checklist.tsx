import { CheckCircleIcon, CrossCircleIcon, InfoIcon } from './icons.tsx';
import { useIntl } from 'react-intl';

/**
 * `checking`: the server is being asked (the common-password rule); it does not count as met.
 * `unchecked`: the server could not be asked now; it checks the rule again when the password is saved.
 */
export type ChecklistState = 'met' | 'unmet' | 'checking' | 'unchecked';

export interface ChecklistItem {
  id: string;
  label: string;
  state: ChecklistState;
}


/**
 * The live password rule list (seed 000: "changes from red with an X in a circle to black with a check
 * in a circle"). Colour is never the only signal: each item has its icon and a spoken "met"/"not met"
 * ("checking" while the server is asked, with a spinner and the visible word).
 */
export function PasswordChecklist({ id, title, items }: { id: string; title: string; items: readonly ChecklistItem[] }) {
  const titleId = `${id}-title`;
  const intl = useIntl();
  return (
    <div className="checklist" id={id}>
      <p className="checklist-title" id={titleId}>
        {title}
      </p>
      <ul aria-labelledby={titleId} className="checklist-items">
        {items.map((item) => (
          <li key={item.id} className="checklist-item" data-rule={item.id} data-state={item.state}>
            {item.state === 'met' ? (
              <CheckCircleIcon className="icon checklist-icon" />
            ) : item.state === 'checking' ? (
              <span className="spinner checklist-icon checklist-spinner" aria-hidden="true" />
            ) : item.state === 'unchecked' ? (
              <InfoIcon className="icon checklist-icon" />
            ) : (
              <CrossCircleIcon className="icon checklist-icon" />
            )}
            <span>
              <span className="visually-hidden">{intl.formatMessage({ id: `checklist.spoken.${item.state}` })}</span>
              {item.label}
              {item.state === 'checking' && (
                <span className="checklist-checking" aria-hidden="true">
                  {intl.formatMessage({ id: 'checklist.checking' })}
                </span>
              )}
              {item.state === 'unchecked' && <span className="checklist-note">{intl.formatMessage({ id: 'checklist.unchecked' })}</span>}
            </span>
          </li>
        ))}
      </ul>
    </div>
  );
}
