import type { Download } from '@lanyard/contracts/account';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useRef, useState, type FormEvent } from 'react';
import { Form, Label, ProgressBar } from 'react-aria-components';
import { Button } from '../../ui/button.tsx';
import { useIntl } from 'react-intl';
import { createDownload, deleteDownload, downloadsQueryKey, listDownloads, uploadDownloadFile } from '../../api/account.ts';
import { messageForError } from '../../ui/error-message.ts';
import { Loading } from '../../ui/loading.tsx';
import { AlertRegion, Message } from '../../ui/message.tsx';
import { PageTitle } from '../../ui/page-title.tsx';
import { TextField } from '../../ui/text-field.tsx';
import { showToast } from '../../ui/toasts.tsx';

/** Administration › Support and Downloads (downloads.manage): add an application and upload its file, with the upload's progress. */
export function DownloadsAdminPage() {
  const intl = useIntl();
  const queryClient = useQueryClient();
  const list = useQuery({ queryKey: downloadsQueryKey, queryFn: ({ signal }) => listDownloads(signal) });
  const [name, setName] = useState('');
  const [version, setVersion] = useState('');
  const [platform, setPlatform] = useState('');
  const [instructionsUrl, setInstructionsUrl] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const [progress, setProgress] = useState<number | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);

  const add = useMutation({
    mutationFn: async () => {
      if (file === null) throw new Error('no file');
      const created = await createDownload({ name, version, platform, fileName: file.name, ...(instructionsUrl === '' ? {} : { instructionsUrl }) });
      setProgress(0);
      await uploadDownloadFile(created.id, file, (fraction) => setProgress(fraction));
      return created;
    },
    onSuccess: async (created: Download) => {
      showToast({ tone: 'success', text: intl.formatMessage({ id: 'downloadsAdmin.added' }, { name: created.name }) });
      setName('');
      setVersion('');
      setPlatform('');
      setInstructionsUrl('');
      setFile(null);
      if (fileInput.current !== null) fileInput.current.value = '';
      await queryClient.invalidateQueries({ queryKey: downloadsQueryKey });
    },
    onError: (error) => setProblem(messageForError(intl, error)),
    onSettled: () => setProgress(null),
  });
  const remove = useMutation({
    mutationFn: (item: Download) => deleteDownload(item.id),
    onSuccess: async () => queryClient.invalidateQueries({ queryKey: downloadsQueryKey }),
    onError: (error) => setProblem(messageForError(intl, error)),
  });

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setProblem(null);
    if (file === null) {
      setProblem(intl.formatMessage({ id: 'downloadsAdmin.fileMissing' }));
      return;
    }
    add.mutate();
  }

  const title = intl.formatMessage({ id: 'downloadsAdmin.title' });
  return (
    <div className="admin-page">
      <PageTitle title={title} />
      <h1 tabIndex={-1}>{title}</h1>
      <AlertRegion message={problem === null ? null : { tone: 'error', title: problem }} />
      <section aria-labelledby="downloads-add-heading" className="panel-section">
        <h2 id="downloads-add-heading">{intl.formatMessage({ id: 'downloadsAdmin.add' })}</h2>
        <Form className="form" onSubmit={submit}>
          <TextField label={intl.formatMessage({ id: 'supportDownloads.name' })} value={name} onChange={setName} isRequired />
          <TextField label={intl.formatMessage({ id: 'supportDownloads.version' })} value={version} onChange={setVersion} isRequired />
          <TextField label={intl.formatMessage({ id: 'supportDownloads.platform' })} value={platform} onChange={setPlatform} isRequired />
          <TextField label={intl.formatMessage({ id: 'downloadsAdmin.instructionsUrl' })} type="url" value={instructionsUrl} onChange={setInstructionsUrl} isIdentifier />
          <div className="field">
            <Label className="field-label" htmlFor="download-file">
              {intl.formatMessage({ id: 'downloadsAdmin.file' })}
            </Label>
            <input id="download-file" ref={fileInput} type="file" className="field-input" onChange={(event) => setFile(event.target.files?.[0] ?? null)} />
          </div>
          {progress !== null && (
            <ProgressBar className="progress" value={Math.round(progress * 100)} aria-label={intl.formatMessage({ id: 'downloadsAdmin.progress' })}>
              {({ percentage }) => (
                <>
                  <span>{intl.formatMessage({ id: 'downloadsAdmin.progressValue' }, { percent: Math.round(percentage ?? 0) })}</span>
                  <div className="progress-track">
                    <div className="progress-fill" style={{ width: `${percentage ?? 0}%` }} />
                  </div>
                </>
              )}
            </ProgressBar>
          )}
          <div className="form-actions">
            <Button type="submit" variant="primary" isDisabled={add.isPending}>
              {intl.formatMessage({ id: 'downloadsAdmin.submit' })}
            </Button>
          </div>
        </Form>
      </section>
      <section aria-labelledby="downloads-list-heading" className="panel-section">
        <h2 id="downloads-list-heading">{intl.formatMessage({ id: 'supportDownloads.heading' })}</h2>
        {list.isError && <Message tone="error" title={messageForError(intl, list.error)} />}
        {list.data === undefined ? (
          <Loading />
        ) : list.data.items.length === 0 ? (
          <p>{intl.formatMessage({ id: 'supportDownloads.empty' })}</p>
        ) : (
          <ul className="stack">
            {list.data.items.map((item) => (
              <li key={item.id}>
                <p>
                  <strong>{intl.formatMessage({ id: 'downloadsAdmin.entry' }, { name: item.name, version: item.version, platform: item.platform })}</strong>
                </p>
                <p>
                  <code className="sha256">{item.sha256 ?? intl.formatMessage({ id: 'supportDownloads.noFile' })}</code>
                </p>
                <Button size="small" onPress={() => remove.mutate(item)} aria-label={intl.formatMessage({ id: 'downloadsAdmin.deleteNamed' }, { name: item.name, version: item.version })}>
                  {intl.formatMessage({ id: 'downloadsAdmin.delete' })}
                </Button>
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}
