/**
 * The building blocks of an email and the one renderer that turns a list of them into plain text and into
 * HTML, so both forms carry the same sentences. Every string is escaped in the HTML (catalogue text and
 * the values put into it alike); plain text is not HTML, so it carries them as they are.
 */

/** A run of a sentence: text, or text to emphasise (`strong`) or to show as an identifier (`code`). */
export type Inline = string | { tag: 'strong' | 'code'; children: Inline[] };

export type Block =
  /** A paragraph. */
  | { kind: 'paragraph'; content: Inline[] }
  /** A paragraph that must not be missed (a warning): bold in HTML. */
  | { kind: 'emphasis'; content: Inline[] }
  /** Short lines that belong together (a key's details): one paragraph, a line each. */
  | { kind: 'lines'; lines: Inline[][] }
  /**
   * What the email is for: a button in HTML, followed by `fallback` (how to use the link without the
   * button) and the link itself; in text, the label and the link on the line below it.
   */
  | { kind: 'action'; label: string; url: string; fallback: Inline[] };

export interface EmailDocument {
  /** The heading of the HTML (and its title): the subject. */
  title: string;
  blocks: Block[];
  /** Small print under everything: why the email was sent. */
  footer: Inline[];
  /** BCP 47 language tag of the content, for `<html lang>`. */
  lang: string;
}

export function escapeHtml(value: string): string {
  return value
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

export function inlineText(content: Inline[]): string {
  return content.map((part) => (typeof part === 'string' ? part : inlineText(part.children))).join('');
}

function inlineHtml(content: Inline[]): string {
  return content.map((part) => (typeof part === 'string' ? escapeHtml(part) : `<${part.tag}>${inlineHtml(part.children)}</${part.tag}>`)).join('');
}

function blockText(block: Block): string {
  switch (block.kind) {
    case 'paragraph':
    case 'emphasis':
      return inlineText(block.content);
    case 'lines':
      return block.lines.map(inlineText).join('\n');
    case 'action':
      return `${block.label}\n${block.url}`;
  }
}

const paragraphStyle = 'margin:0 0 16px';

function blockHtml(block: Block): string {
  switch (block.kind) {
    case 'paragraph':
      return `<p style="${paragraphStyle}">${inlineHtml(block.content)}</p>`;
    case 'emphasis':
      return `<p style="${paragraphStyle}"><strong>${inlineHtml(block.content)}</strong></p>`;
    case 'lines':
      return `<p style="${paragraphStyle}">${block.lines.map(inlineHtml).join('<br>')}</p>`;
    case 'action': {
      const url = escapeHtml(block.url);
      return `<p style="margin:24px 0"><a href="${url}" style="background:#1d4ed8;color:#ffffff;padding:12px 20px;border-radius:6px;text-decoration:none;font-weight:600">${escapeHtml(block.label)}</a></p>
<p style="margin:0 0 16px;font-size:13px;color:#374151">${inlineHtml(block.fallback)}<br><span style="word-break:break-all">${url}</span></p>`;
    }
  }
}

/** Paragraphs apart by a blank line; the footer below the conventional signature separator ("-- "). */
export function renderText(email: EmailDocument): string {
  return [...email.blocks.map(blockText), `-- \n${inlineText(email.footer)}`].join('\n\n');
}

export function renderHtml(email: EmailDocument): string {
  const title = escapeHtml(email.title);
  return `<!doctype html>
<html lang="${escapeHtml(email.lang)}"><head><meta charset="utf-8"><title>${title}</title></head>
<body style="font-family:system-ui,-apple-system,'Segoe UI',sans-serif;color:#111827;line-height:1.5;max-width:560px;margin:0 auto;padding:24px">
<h1 style="font-size:20px;margin:0 0 16px">${title}</h1>
${email.blocks.map(blockHtml).join('\n')}
<p style="margin:32px 0 0;font-size:12px;color:#4b5563">${inlineHtml(email.footer)}</p>
</body></html>`;
}
