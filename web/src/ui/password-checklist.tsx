import { CheckCircleIcon, CrossCircleIcon } from './icons.tsx';

export interface ChecklistItem {
  id: string;
  label: string;
  met: boolean;
}

interface PasswordChecklistProps {
  id: string;
  title: string;
  items: readonly ChecklistItem[];
}

/**
 * The live password rule list (seed 000: "changes from red with an X in a circle to black with a check
 * in a circle"). Colour is never the only signal: each item has its icon and a spoken "met"/"not met".
 */
export function PasswordChecklist({ id, title, items }: PasswordChecklistProps) {
  const titleId = `${id}-title`;
  return (
    <div className="checklist" id={id}>
      <p className="checklist-title" id={titleId}>
        {title}
      </p>
      <ul aria-labelledby={titleId} className="checklist-items">
        {items.map((item) => (
          <li key={item.id} className="checklist-item" data-rule={item.id} data-state={item.met ? 'met' : 'unmet'}>
            {item.met ? <CheckCircleIcon className="icon checklist-icon" /> : <CrossCircleIcon className="icon checklist-icon" />}
            <span>
              <span className="visually-hidden">{item.met ? 'Met: ' : 'Not met: '}</span>
              {item.label}
            </span>
          </li>
        ))}
      </ul>
    </div>
  );
}
