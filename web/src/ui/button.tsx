import { Button as AriaButton, type ButtonProps as AriaButtonProps } from 'react-aria-components';

export type ButtonVariant = 'primary' | 'danger' | 'secondary';

export interface ButtonProps extends Omit<AriaButtonProps, 'className'> {
  /** Primary for the page's main action, danger for what cannot be undone; secondary (the default) otherwise. */
  variant?: ButtonVariant | undefined;
  /** Small buttons sit in table rows and beside values. */
  size?: 'small' | undefined;
  /** An extra class for a button placed by its surroundings (a banner's dismiss button). */
  className?: string | undefined;
}

/** The class list of a button-looking element: the one place that spells `button button-…`. */
export function buttonClass({ variant = 'secondary', size, className }: Pick<ButtonProps, 'variant' | 'size' | 'className'> = {}): string {
  const classes = ['button'];
  if (variant !== 'secondary') classes.push(`button-${variant}`);
  if (size === 'small') classes.push('button-small');
  if (className !== undefined) classes.push(className);
  return classes.join(' ');
}

/** The console's button: React Aria's, drawn in one of the console's variants. */
export function Button({ variant, size, className, ...props }: ButtonProps) {
  return <AriaButton {...props} className={buttonClass({ variant, size, className })} />;
}
