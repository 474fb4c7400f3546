import { createHash } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedInUser, type SignedInUser } from '../testing/journeys.ts';
import { createTestApp, type TestApp } from '../testing/test-app.ts';

/** SPEC §3.8 and §4b "downloads": the catalogue, streamed uploads with their SHA-256, downloads with ETag, ranges and permission gates. */
let t: TestApp;
let admin: SignedInUser;
let agent: SignedInUser;
let outsider: SignedInUser;
let otherAdmin: SignedInUser;
const maxBytes = 60 * 1024 * 1024;

beforeAll(async () => {
  t = await createTestApp({ LANYARD_DOWNLOADS_MAX_BYTES: String(maxBytes) });
  admin = await signedInUser(t, { tenantName: 'Downloads Tenant', username: 'downloads.admin' });
  agent = await signedInUser(t, { tenant: admin.tenant, username: 'downloads.agent', role: 'Agent' });
  const role = await t.app.inject({ method: 'POST', url: '/api/v1/admin/roles', headers: admin.headers, payload: { name: 'No downloads', permissions: ['profile.edit'] } });
  expect(role.statusCode).toBe(201);
  outsider = await signedInUser(t, { tenant: admin.tenant, username: 'downloads.outsider', role: 'No downloads' });
  otherAdmin = await signedInUser(t, { tenantName: 'Other Downloads Tenant', username: 'downloads.other' });
});
afterAll(async () => t.close());

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
const inject = (user: SignedInUser, method: Method, url: string, payload?: Record<string, unknown>, headers: Record<string, string> = {}) =>
  t.app.inject({ method, url, headers: { ...user.headers, ...headers }, ...(payload === undefined ? {} : { payload }) });
const create = async (body: Record<string, unknown> = {}, as = admin) => {
  const response = await inject(as, 'POST', '/api/v1/admin/downloads', { name: 'Lanyard Agent', version: '1.2.3', platform: 'Windows', ...body });
  expect(response.statusCode).toBe(201);
  return response.json<{ id: string; fileName: string }>();
};
const upload = (user: SignedInUser, id: string, body: Buffer | Readable, length?: number) =>
  t.app.inject({
    method: 'PUT',
    url: `/api/v1/admin/downloads/${id}/file`,
    headers: { ...user.headers, 'content-type': 'application/octet-stream', ...(length === undefined ? {} : { 'content-length': String(length) }) },
    payload: body,
  });
const fileUrl = (id: string) => `/api/v1/downloads/${id}/file`;
const sha = (data: Buffer) => createHash('sha256').update(data).digest('hex');
const storedFiles = async () => (await readdir(t.config.downloadsDir).catch(() => [] as string[])).sort();

/** A deterministic stream of `size` bytes in 64 KiB chunks, never held whole; its SHA-256 once it has been read. */
function generated(size: number): { stream: Readable; digest: () => string } {
  const hash = createHash('sha256');
  let sent = 0;
  let counter = 0;
  const stream = new Readable({
    read() {
      if (sent >= size) {
        this.push(null);
        return;
      }
      const length = Math.min(64 * 1024, size - sent);
      const seed = createHash('sha256').update(String(counter++)).digest();
      const chunk = Buffer.alloc(length);
      for (let offset = 0; offset < length; offset += seed.length) seed.copy(chunk, offset);
      hash.update(chunk);
      sent += length;
      this.push(chunk);
    },
  });
  return { stream, digest: () => hash.digest('hex') };
}

describe('downloads catalogue', () => {
  it('an administrator adds an entry; members with support.downloads.view list it; without, 403', async () => {
    const entry = await create({ instructionsUrl: 'https://docs.example.test/install' });
    expect(entry.fileName).toBe('Lanyard-Agent-1.2.3');
    const listed = (await inject(agent, 'GET', '/api/v1/downloads')).json().items.find((item: { id: string }) => item.id === entry.id);
    expect(listed).toMatchObject({ name: 'Lanyard Agent', version: '1.2.3', platform: 'Windows', sizeBytes: null, sha256: null, downloadUrl: null, instructionsUrl: 'https://docs.example.test/install' });
    for (const [method, url] of [['GET', '/api/v1/downloads'], ['GET', fileUrl(entry.id)]] as const) {
      const denied = await inject(outsider, method, url);
      expect(denied.statusCode).toBe(403);
      expect(denied.json().error.code).toBe('PERMISSION_DENIED');
    }
    const notManager = await inject(agent, 'POST', '/api/v1/admin/downloads', { name: 'x', version: '1', platform: 'y' });
    expect(notManager.json().error.code).toBe('PERMISSION_DENIED');
    const uploadDenied = await upload(agent, entry.id, Buffer.from('x'));
    expect(uploadDenied.statusCode).toBe(403);
  });

  it('another tenant neither sees nor changes the entry', async () => {
    const entry = await create();
    expect((await inject(otherAdmin, 'GET', '/api/v1/downloads')).json().items).toEqual([]);
    expect((await inject(otherAdmin, 'GET', fileUrl(entry.id))).json().error.code).toBe('DOWNLOAD_NOT_FOUND');
    expect((await inject(otherAdmin, 'PATCH', `/api/v1/admin/downloads/${entry.id}`, { name: 'Mine' })).json().error.code).toBe('DOWNLOAD_NOT_FOUND');
    expect((await upload(otherAdmin, entry.id, Buffer.from('x'))).json().error.code).toBe('DOWNLOAD_NOT_FOUND');
    expect((await inject(otherAdmin, 'DELETE', `/api/v1/admin/downloads/${entry.id}`)).json().error.code).toBe('DOWNLOAD_NOT_FOUND');
  });

  it.each(['../../etc/passwd', '..\\boot.ini', 'folder/setup.msi', '.bashrc', 'a..b', 'con:setup'])('refuses the file name %j (path traversal) and stores nothing', async (fileName) => {
    const before = (await inject(admin, 'GET', '/api/v1/downloads')).json().items.length;
    const response = await inject(admin, 'POST', '/api/v1/admin/downloads', { name: 'Evil', version: '1', platform: 'Linux', fileName });
    expect(response.statusCode).toBe(422);
    expect(response.json().error.code).toBe('DOWNLOAD_FILE_NAME_INVALID');
    expect((await inject(admin, 'GET', '/api/v1/downloads')).json().items.length).toBe(before);
  });

  /** @see issue 21, item 8: `setup\u202egpj.exe` was stored and served as such (it reads "setupexe.jpg"). */
  it.each([
    ['fileName', 'setup\u202egpj.exe'],
    ['fileName', 'set\u200bup.exe'],
    ['version', '1.0\u2066'],
    ['version', '\ufeff2.0'],
    ['platform', 'Win\u200ddows'],
    ['platform', 'Linux\u200f'],
    ['name', 'Soft\u2060phone'],
  ])('refuses %s %j (bidi or invisible characters): 400 VALIDATION_FAILED naming the field, nothing stored', async (field, value) => {
    const entry = await create();
    const before = (await inject(admin, 'GET', '/api/v1/downloads')).json();
    const created = await inject(admin, 'POST', '/api/v1/admin/downloads', { name: 'Evil', version: '1', platform: 'Linux', [field]: value });
    expect(created.statusCode).toBe(400);
    expect(created.json().error.code).toBe('VALIDATION_FAILED');
    expect(created.json().error.details.fields.map((issue: { path: string }) => issue.path)).toEqual([`body.${field}`]);
    const edited = await inject(admin, 'PATCH', `/api/v1/admin/downloads/${entry.id}`, { [field]: value });
    expect(edited.statusCode).toBe(400);
    expect(edited.json().error.code).toBe('VALIDATION_FAILED');
    expect(edited.json().error.details.fields.map((issue: { path: string }) => issue.path)).toEqual([`body.${field}`]);
    expect((await inject(admin, 'GET', '/api/v1/downloads')).json()).toEqual(before);
  });

  it('refuses a traversal in the path and non-UUID ids with 400', async () => {
    for (const url of ['/api/v1/downloads/..%2F..%2Fetc%2Fpasswd/file', '/api/v1/downloads/../../etc/passwd/file', '/api/v1/admin/downloads/not-an-id']) {
      const response = await inject(admin, url.includes('admin') ? 'PATCH' : 'GET', url, url.includes('admin') ? { name: 'x' } : undefined);
      expect([400, 404]).toContain(response.statusCode);
      expect(response.headers['content-type']).toContain('application/json');
    }
  });

  it('edits and deletes an entry, its file going with it', async () => {
    const entry = await create();
    const edited = await inject(admin, 'PATCH', `/api/v1/admin/downloads/${entry.id}`, { version: '2.0', fileName: 'lanyard-2.0.msi', instructionsUrl: null });
    expect(edited.json()).toMatchObject({ version: '2.0', fileName: 'lanyard-2.0.msi', instructionsUrl: null });
    expect((await upload(admin, entry.id, Buffer.from('to be deleted'))).statusCode).toBe(200);
    expect((await storedFiles()).some((file) => file.startsWith(entry.id))).toBe(true);
    expect((await inject(admin, 'DELETE', `/api/v1/admin/downloads/${entry.id}`)).statusCode).toBe(204);
    expect((await storedFiles()).some((file) => file.startsWith(entry.id))).toBe(false);
    expect((await inject(agent, 'GET', fileUrl(entry.id))).json().error.code).toBe('DOWNLOAD_NOT_FOUND');
  });
});

describe('files', () => {
  const content = Buffer.from(Array.from({ length: 1000 }, (_, index) => index % 251));
  let id: string;

  beforeAll(async () => {
    id = (await create({ name: 'Small', fileName: 'small ünïcode file (1).bin' })).id;
    const response = await upload(admin, id, content);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ sizeBytes: 1000, sha256: sha(content) });
  });

  it('a whole download: the bytes, Content-Length, ETag, Accept-Ranges, Content-Disposition', async () => {
    const response = await inject(agent, 'GET', fileUrl(id));
    expect(response.statusCode).toBe(200);
    expect(response.rawPayload.equals(content)).toBe(true);
    expect(response.headers['content-length']).toBe('1000');
    expect(response.headers.etag).toBe(`"${sha(content)}"`);
    expect(response.headers['accept-ranges']).toBe('bytes');
    expect(response.headers['content-type']).toBe('application/octet-stream');
    expect(response.headers['content-disposition']).toBe(`attachment; filename="small _n_code file (1).bin"; filename*=UTF-8''small%20%C3%BCn%C3%AFcode%20file%20%281%29.bin`);
    const listed = (await inject(agent, 'GET', '/api/v1/downloads')).json().items.find((item: { id: string }) => item.id === id);
    expect(listed).toMatchObject({ sizeBytes: 1000, sha256: sha(content), downloadUrl: fileUrl(id) });
  });

  it.each([
    ['bytes=0-99', 0, 99],
    ['bytes=900-', 900, 999],
    ['bytes=-10', 990, 999],
    ['bytes=500-5000', 500, 999],
  ])('Range %s → 206 with the right bytes', async (range, start, end) => {
    const response = await inject(agent, 'GET', fileUrl(id), undefined, { range });
    expect(response.statusCode).toBe(206);
    expect(response.rawPayload.equals(content.subarray(start, end + 1))).toBe(true);
    expect(response.headers['content-range']).toBe(`bytes ${start}-${end}/1000`);
    expect(response.headers['content-length']).toBe(String(end - start + 1));
  });

  it.each(['bytes=1000-', 'bytes=5000-6000', 'bytes=-0'])('Range %s → 416 RANGE_NOT_SATISFIABLE', async (range) => {
    const response = await inject(agent, 'GET', fileUrl(id), undefined, { range });
    expect(response.statusCode).toBe(416);
    expect(response.json().error.code).toBe('RANGE_NOT_SATISFIABLE');
    expect(response.headers['content-range']).toBe('bytes */1000');
  });

  it('a Range that is not one byte range is ignored; If-Range with another validator gets the whole file', async () => {
    expect((await inject(agent, 'GET', fileUrl(id), undefined, { range: 'bytes=0-1,5-6' })).statusCode).toBe(200);
    expect((await inject(agent, 'GET', fileUrl(id), undefined, { range: 'bytes=0-1', 'if-range': '"other"' })).statusCode).toBe(200);
    expect((await inject(agent, 'GET', fileUrl(id), undefined, { range: 'bytes=0-1', 'if-range': `"${sha(content)}"` })).statusCode).toBe(206);
  });

  it('If-None-Match with the ETag → 304 without a body', async () => {
    const response = await inject(agent, 'GET', fileUrl(id), undefined, { 'if-none-match': `"${sha(content)}"` });
    expect(response.statusCode).toBe(304);
    expect(response.body).toBe('');
    expect((await inject(agent, 'GET', fileUrl(id), undefined, { 'if-none-match': '"stale"' })).statusCode).toBe(200);
  });

  it('an entry without a file: 404 DOWNLOAD_FILE_MISSING', async () => {
    const empty = await create({ name: 'Empty' });
    expect((await inject(agent, 'GET', fileUrl(empty.id))).json().error.code).toBe('DOWNLOAD_FILE_MISSING');
  });

  it('a new upload replaces the file; the old one is removed', async () => {
    const entry = await create({ name: 'Replaced' });
    await upload(admin, entry.id, Buffer.from('first'));
    await upload(admin, entry.id, Buffer.from('second'));
    expect((await storedFiles()).filter((file) => file.startsWith(entry.id))).toEqual([`${entry.id}-${sha(Buffer.from('second'))}`]);
    expect((await inject(agent, 'GET', fileUrl(entry.id))).body).toBe('second');
  });

  it('refuses another content type with 415, and a file over LANYARD_DOWNLOADS_MAX_BYTES with 413, keeping nothing', async () => {
    const entry = await create({ name: 'Too large' });
    const wrongType = await t.app.inject({ method: 'PUT', url: `/api/v1/admin/downloads/${entry.id}/file`, headers: { ...admin.headers, 'content-type': 'application/json' }, payload: { a: 1 } });
    expect(wrongType.statusCode).toBe(415);
    const declared = await upload(admin, entry.id, Buffer.from('x'), maxBytes + 1);
    expect(declared.statusCode).toBe(413);
    expect(declared.json().error.code).toBe('DOWNLOAD_TOO_LARGE');
    const undeclared = generated(maxBytes + 1024 * 1024);
    const streamed = await upload(admin, entry.id, undeclared.stream);
    expect(streamed.statusCode).toBe(413);
    expect(streamed.json().error.code).toBe('DOWNLOAD_TOO_LARGE');
    expect((await storedFiles()).filter((file) => file.startsWith(entry.id) || file.startsWith('.upload-'))).toEqual([]);
    expect((await inject(agent, 'GET', '/api/v1/downloads')).json().items.find((item: { id: string }) => item.id === entry.id).sha256).toBeNull();
  });

  it('a 50 MB upload: stored with the right SHA-256, the heap growing by under 20 MB; downloaded back identical', async () => {
    const entry = await create({ name: 'Big', fileName: 'big.bin' });
    const size = 50 * 1024 * 1024;
    const source = generated(size);
    const baseline = process.memoryUsage().heapUsed;
    let peak = baseline;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().heapUsed);
    }, 5);
    const response = await upload(admin, entry.id, source.stream, size);
    clearInterval(sampler);
    peak = Math.max(peak, process.memoryUsage().heapUsed);
    expect(response.statusCode).toBe(200);
    const expected = source.digest();
    expect(response.json()).toEqual({ sizeBytes: size, sha256: expected });
    const growth = peak - baseline;
    console.log(`50 MB upload: heap grew by ${(growth / 1024 / 1024).toFixed(1)} MB`);
    expect(growth).toBeLessThan(20 * 1024 * 1024);

    const download = await inject(agent, 'GET', fileUrl(entry.id));
    expect(download.statusCode).toBe(200);
    expect(download.headers['content-length']).toBe(String(size));
    expect(sha(download.rawPayload)).toBe(expected);
  });
});
