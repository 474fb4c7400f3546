import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { ComboBox, FieldError, Input, Label, ListBox, ListBoxItem, Popover, Text, type Key } from 'react-aria-components';
import { useIntl } from 'react-intl';
import { fetchUser, listUsers, userQueryKey, usersQueryKey } from '../../api/admin.ts';

const suggestions = 10;

/**
 * Finds one user of the tenant by username, email or name (GET /api/v1/admin/users?q=, prefix search) and
 * gives their id: for filters that take a User ID (the audit log's). Needs `users.view`. `userId` is the
 * chosen user ('' for none); the field is invalid while text is typed but nobody is chosen.
 */
export function UserPicker({
  label,
  description,
  userId,
  onChange,
  onTextChange,
  errorMessage,
}: {
  label: string;
  description: string;
  userId: string;
  onChange: (userId: string) => void;
  /** The text in the field, so the form can tell "nobody chosen" from "typed but not chosen". */
  onTextChange: (text: string) => void;
  errorMessage?: string | undefined;
}) {
  const intl = useIntl();
  const [text, setText] = useState('');
  // A user chosen before (a linked, filtered view): show their username, not their id.
  const chosen = useQuery({ queryKey: userQueryKey(userId), queryFn: ({ signal }) => fetchUser(userId, signal), enabled: userId !== '' && text === '' });
  const chosenName = chosen.data?.username;
  useEffect(() => {
    if (chosenName !== undefined && text === '') {
      setText(chosenName);
      onTextChange(chosenName);
    }
    // Only when the chosen user's name arrives.
  }, [chosenName]);
  const q = text.trim();
  const matches = useQuery({
    queryKey: [...usersQueryKey, 'picker', q],
    queryFn: ({ signal }) => listUsers({ q, limit: suggestions }, signal),
    enabled: q !== '',
    placeholderData: keepPreviousData,
  });
  const items = q === '' ? [] : (matches.data?.items ?? []);

  return (
    <ComboBox
      className="field"
      inputValue={text}
      onInputChange={(value) => {
        setText(value);
        onTextChange(value);
      }}
      selectedKey={userId === '' ? null : userId}
      onSelectionChange={(key: Key | null) => {
        const user = key === null ? undefined : items.find((item) => item.id === String(key));
        // The field then shows the chosen user's username (as the audit log shows it, case and all).
        if (user !== undefined) {
          setText(user.username);
          onTextChange(user.username);
        }
        onChange(user === undefined ? '' : user.id);
      }}
      items={items}
      menuTrigger="input"
      allowsEmptyCollection
      isInvalid={errorMessage !== undefined}
      // Matches come from the server's search (prefix, case- and accent-insensitive): no second filter here.
      defaultFilter={() => true}
    >
      <Label className="field-label">{label}</Label>
      <Input className="field-input" spellCheck={false} autoCapitalize="none" autoCorrect="off" />
      <Text slot="description" className="field-description">
        {description}
      </Text>
      <FieldError className="field-error">{errorMessage}</FieldError>
      <Popover className="menu-popover select-popover" offset={4}>
        <ListBox
          className="menu"
          renderEmptyState={() => <p className="menu-empty muted">{intl.formatMessage({ id: matches.isFetching ? 'app.loading' : 'auditLog.filter.userNone' })}</p>}
        >
          {(user: (typeof items)[number]) => (
            <ListBoxItem id={user.id} className="menu-item" textValue={user.username}>
              {intl.formatMessage({ id: 'auditLog.filter.userOption' }, { username: user.username, email: user.email, name: `${user.firstName} ${user.lastName}` })}
            </ListBoxItem>
          )}
        </ListBox>
      </Popover>
    </ComboBox>
  );
}
