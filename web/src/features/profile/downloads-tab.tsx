import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Button, buttonClass } from '../../ui/button.tsx';
import { useIntl } from 'react-intl';
import { downloadsQueryKey, listDownloads } from '../../api/account.ts';
import { messageForError } from '../../ui/error-message.ts';
import { Loading } from '../../ui/loading.tsx';
import { Message } from '../../ui/message.tsx';

function CopyHash({ value, name }: { value: string; name: string }) {
  const intl = useIntl();
  const [status, setStatus] = useState('');
  async function copy() {
    try {
      await navigator.clipboard.writeText(value);
      setStatus(intl.formatMessage({ id: 'copy.done' }, { what: 'SHA-256' }));
    } catch {
      setStatus(intl.formatMessage({ id: 'copy.failed' }, { what: 'SHA-256' }));
    }
  }
  return (
    <>
      <Button size="small" onPress={() => void copy()} aria-label={intl.formatMessage({ id: 'supportDownloads.copyHash' }, { name })}>
        {intl.formatMessage({ id: 'copy.button' }, { what: 'SHA-256' })}
      </Button>
      <span role="status" className="copy-status">
        {status}
      </span>
    </>
  );
}

/** Support and Downloads (seed 000): the applications with their size and SHA-256, a Download button and installation instructions. */
export function DownloadsTab() {
  const intl = useIntl();
  const downloads = useQuery({ queryKey: downloadsQueryKey, queryFn: ({ signal }) => listDownloads(signal) });
  if (downloads.isError) return <Message tone="error" title={messageForError(intl, downloads.error)} />;
  if (downloads.data === undefined) return <Loading />;
  const items = downloads.data.items;
  return (
    <section aria-labelledby="downloads-heading" className="panel-section">
      <h2 id="downloads-heading">{intl.formatMessage({ id: 'supportDownloads.heading' })}</h2>
      {items.length === 0 ? (
        <p>{intl.formatMessage({ id: 'supportDownloads.empty' })}</p>
      ) : (
        <div className="table-scroll">
          <table className="downloads-table">
            <thead>
              <tr>
                <th scope="col">{intl.formatMessage({ id: 'supportDownloads.name' })}</th>
                <th scope="col">{intl.formatMessage({ id: 'supportDownloads.version' })}</th>
                <th scope="col">{intl.formatMessage({ id: 'supportDownloads.platform' })}</th>
                <th scope="col">{intl.formatMessage({ id: 'supportDownloads.size' })}</th>
                <th scope="col">{intl.formatMessage({ id: 'supportDownloads.sha256' })}</th>
                <th scope="col">{intl.formatMessage({ id: 'supportDownloads.actions' })}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((item) => (
                <tr key={item.id}>
                  <th scope="row">{item.name}</th>
                  <td data-label={intl.formatMessage({ id: 'supportDownloads.version' })}>{item.version}</td>
                  <td data-label={intl.formatMessage({ id: 'supportDownloads.platform' })}>{item.platform}</td>
                  <td data-label={intl.formatMessage({ id: 'supportDownloads.size' })}>{item.sizeBytes === null ? intl.formatMessage({ id: 'supportDownloads.noFile' }) : intl.formatNumber(item.sizeBytes / 1024 / 1024, { maximumFractionDigits: 1, style: 'unit', unit: 'megabyte' })}</td>
                  <td data-label={intl.formatMessage({ id: 'supportDownloads.sha256' })}>
                    {item.sha256 !== null && (
                      <>
                        <code className="sha256">{item.sha256}</code> <CopyHash value={item.sha256} name={item.name} />
                      </>
                    )}
                  </td>
                  <td data-label={intl.formatMessage({ id: 'supportDownloads.actions' })}>
                    <div className="stack-tight">
                      {item.downloadUrl !== null && (
                        <a className={buttonClass({ variant: 'primary', size: 'small' })} href={item.downloadUrl} download={item.fileName} aria-label={intl.formatMessage({ id: 'supportDownloads.downloadNamed' }, { name: item.name, version: item.version })}>
                          {intl.formatMessage({ id: 'supportDownloads.download' })}
                        </a>
                      )}
                      {item.instructionsUrl !== null && (
                        <a href={item.instructionsUrl} rel="noreferrer" target="_blank">
                          {intl.formatMessage({ id: 'supportDownloads.instructions' }, { name: item.name })}
                        </a>
                      )}
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
