// Issue 24: files in the chat, in the browser. An image chosen with the file picker and a PDF
// dropped on the conversation upload with a progress bar and become chips; the first send of a new
// conversation carries both to the vendor (read from the fake upstream's request log); after a
// reload the message still shows them; deleting the conversation deletes the files (their URL
// answers 404). A pasted image attaches too; a type the server refuses and a file over the plan's
// size get their reasons next to the chip. At desktop and phone sizes, with axe.
import type { Page } from 'playwright-core';
import { describe, expect, inject, it } from 'vitest';
import { TIER_LIMITS } from '../../worker/usage/tiers.ts';
import { consoleErrors, expectAccessible, openPage, screenshot, useBrowser, type Device } from './browser.ts';
import { composer, expectNoHorizontalScroll, lastReply, replyText, signInByEmail, waitForReplyEnd } from './app.ts';

const browser = useBrowser();

/** A valid 1×1 PNG. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

/** A valid one-page PDF (its cross-reference offsets computed), saying `text`. */
function pdf(text: string): Buffer {
  const stream = `BT /F1 12 Tf 72 720 Td (${text}) Tj ET`;
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let out = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = out.length;
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const offset of offsets) out += `${String(offset).padStart(10, '0')} 00000 n \n`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

const fileInput = (page: Page) => page.locator('input[type=file]');
const chips = (page: Page) => page.getByRole('list', { name: 'Files to send' });
const chip = (page: Page, name: string) => chips(page).getByRole('listitem').filter({ hasText: name });

type Logged = { key?: string; prompt?: string; documents?: unknown[] };
async function vendorRequests(key: string) {
  return (await (await fetch(`${inject('e2eUpstreamUrl')}/__control/requests?key=${key}`)).json()) as Logged[];
}

/** A request from the page with the signed-in user's token: its status. */
function authorizedStatus(page: Page, method: string, url: string) {
  return page.evaluate(
    async ([method, url]) => {
      const session = JSON.parse(localStorage.getItem('parley.session') ?? 'null') as { accessToken: string };
      const res = await fetch(url!, { method, headers: { authorization: `Bearer ${session.accessToken}` } });
      return res.status;
    },
    [method, url],
  );
}

/** Drops files on the conversation as a drag from the desktop would (a DataTransfer carrying Files). */
async function dropFile(page: Page, name: string, type: string, bytes: Buffer) {
  const target = page.locator('section.conversation');
  const transfer = await page.evaluateHandle(
    ([name, type, base64]) => {
      const data = Uint8Array.from(atob(base64!), (c) => c.charCodeAt(0));
      const transfer = new DataTransfer();
      transfer.items.add(new File([data], name!, { type }));
      return transfer;
    },
    [name, type, bytes.toString('base64')],
  );
  await target.dispatchEvent('dragenter', { dataTransfer: transfer });
  await target.dispatchEvent('dragover', { dataTransfer: transfer });
  await target.dispatchEvent('drop', { dataTransfer: transfer });
}

/** Pastes an image into the composer as a screenshot tool's clipboard would hand it over. */
async function pasteImage(page: Page, bytes: Buffer) {
  await composer(page).evaluate((field, base64) => {
    const data = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    const transfer = new DataTransfer();
    transfer.items.add(new File([data], 'image.png', { type: 'image/png' }));
    field.dispatchEvent(new ClipboardEvent('paste', { clipboardData: transfer, bubbles: true, cancelable: true }));
  }, bytes.toString('base64'));
}

/** Holds each upload for a moment, so its progress can be seen before it completes. */
async function slowUploads(page: Page, ms = 700) {
  await page.route('**/api/files', async (route) => {
    await new Promise((resolve) => setTimeout(resolve, ms));
    await route.continue();
  });
}

for (const device of ['desktop', 'phone'] as Device[]) {
  describe(`files in the chat (${device})`, () => {
    it('an image and a PDF upload with progress, go with the first message to the vendor, show after a reload, and are deleted with the conversation', async () => {
      const page = await openPage(browser(), device);
      await signInByEmail(page);
      await slowUploads(page);

      // The image by the file picker, the PDF dropped on the conversation.
      await fileInput(page).setInputFiles({ name: 'dot.png', mimeType: 'image/png', buffer: PNG });
      const document = pdf('Quarterly figures');
      await dropFile(page, 'report.pdf', 'application/pdf', document);
      const progress = page.getByRole('progressbar', { name: 'Uploading dot.png' });
      await progress.waitFor();
      expect(Number(await progress.getAttribute('aria-valuenow'))).toBeGreaterThanOrEqual(0);
      // Send waits for the uploads, and says so.
      await composer(page).fill('[[fake tokens=3]] placeholder');
      await expect.poll(() => page.getByRole('button', { name: 'Send' }).isDisabled()).toBe(true);
      await page.getByText('Wait for the files to finish uploading.').waitFor();
      await screenshot(page, `files-uploading-${device}`);

      // Then the chips: the image's thumbnail, the PDF's name and size, no progress left.
      await page.getByRole('progressbar').first().waitFor({ state: 'detached' });
      await expect.poll(() => page.getByRole('progressbar').count()).toBe(0);
      expect(await chip(page, 'dot.png').locator('img').count()).toBe(1);
      expect(await chip(page, 'report.pdf').innerText()).toMatch(new RegExp(`${document.length} bytes|1 KB`));
      expect(await page.getByRole('button', { name: 'Remove report.pdf' }).count()).toBe(1);
      await expectAccessible(page);
      await screenshot(page, `files-chips-${device}`);

      const key = crypto.randomUUID();
      await composer(page).fill(`[[fake prompt=1 key=${key}]] What do these show?`);
      await composer(page).press('Enter');
      await page.waitForURL(/\/c\/[0-9a-f-]{36}$/);
      await waitForReplyEnd(page);
      const conversationId = new URL(page.url()).pathname.split('/').pop()!;

      // The vendor got both, intact: its log has the PDF (name, bytes, pages), and the fake model's
      // reply names the image's type and decoded size and the PDF it read.
      const [request] = await vendorRequests(key);
      expect(request, 'the fake vendor logged the send').toBeDefined();
      expect(request!.documents).toEqual([
        { name: 'report.pdf', mediaType: 'application/pdf', bytes: document.length, pages: 1 },
      ]);
      expect(await replyText(page)).toBe(
        `I see 1 image: image/png (${PNG.length} bytes); I read 1 PDF: report.pdf (1 page, ${document.length} bytes)`,
      );

      // The message shows its files, and still does after a reload.
      const sent = page.locator('article.message.user').last();
      await sent.getByRole('img', { name: 'dot.png' }).waitFor();
      await sent.getByRole('link', { name: 'report.pdf' }).waitFor();
      expect(await chips(page).count()).toBe(0);
      await page.reload();
      const again = page.locator('article.message.user').last();
      const thumbnail = again.getByRole('img', { name: 'dot.png' });
      await thumbnail.waitFor();
      // Loaded for real (through the authorized route), 1×1 as sent.
      await expect.poll(() => thumbnail.evaluate((img) => (img as HTMLImageElement).naturalWidth)).toBe(1);
      await again.getByRole('link', { name: 'report.pdf' }).waitFor();
      expect(await lastReply(page).locator('img').count()).toBe(0);
      await expectNoHorizontalScroll(page);
      await expectAccessible(page);
      await screenshot(page, `files-message-${device}`);

      // The PDF downloads through the authorized route, under its name.
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        again.getByRole('link', { name: 'report.pdf' }).click(),
      ]);
      expect(download.suggestedFilename()).toBe('report.pdf');

      // An edit of the message's text keeps its files: the new version carries them to the vendor again.
      const editKey = crypto.randomUUID();
      await again.getByRole('button', { name: 'Edit' }).click();
      await page.getByRole('textbox', { name: 'Edit your message' }).fill(`[[fake prompt=1 key=${editKey}]] And now?`);
      await page.getByRole('button', { name: 'Save & send' }).click();
      await page.getByText('1 of 2').or(page.getByText('2 of 2')).first().waitFor();
      await waitForReplyEnd(page);
      expect(await replyText(page)).toBe(
        `I see 1 image: image/png (${PNG.length} bytes); I read 1 PDF: report.pdf (1 page, ${document.length} bytes)`,
      );
      expect((await vendorRequests(editKey))[0]?.documents).toHaveLength(1);
      await again.getByRole('img', { name: 'dot.png' }).waitFor();
      await again.getByRole('link', { name: 'report.pdf' }).waitFor();

      // The Usage page counts them against the plan's storage (the same bytes are stored once).
      await page.goto(`${inject('e2eDevUrl')}/usage`);
      const storage = page.getByRole('meter', { name: 'File storage used' });
      await storage.waitFor();
      expect(Number(await storage.getAttribute('aria-valuenow'))).toBe(PNG.length + document.length);
      expect(Number(await storage.getAttribute('aria-valuemax'))).toBe(TIER_LIMITS.free.storageBytes);
      await page.getByText(/ of .+ used \(under 1%\), 2 files\./).waitFor();
      await expectAccessible(page);
      await screenshot(page, `files-usage-${device}`);
      await page.goBack();
      await again.getByRole('link', { name: 'report.pdf' }).waitFor();

      // Deleting the conversation deletes its files: their URLs answer 404 (written behind, so polled).
      const urls = await again
        .getByRole('link')
        .evaluateAll((links) => links.map((a) => (a as HTMLAnchorElement).getAttribute('href')));
      const pdfUrl = urls.find((u) => u?.startsWith('/api/files/'))!;
      expect(await authorizedStatus(page, 'GET', pdfUrl)).toBe(200);
      expect(await authorizedStatus(page, 'DELETE', `/api/conversations/${conversationId}`)).toBe(204);
      await expect.poll(() => authorizedStatus(page, 'GET', pdfUrl), { timeout: 15_000 }).toBe(404);
      expect(consoleErrors(page).filter((e) => !e.includes('/api/files/'))).toEqual([]);
      await page.close();
    });

    it('a pasted image attaches; a refused type and a file over the plan’s size say why next to their chips', async () => {
      const page = await openPage(browser(), device);
      await signInByEmail(page);

      await pasteImage(page, PNG);
      await chip(page, 'image.png')
        .getByText(/bytes|KB/)
        .waitFor();
      expect(await chip(page, 'image.png').locator('img').count()).toBe(1);

      // Bytes that are no accepted type, whatever the name says: refused by their content.
      await fileInput(page).setInputFiles({
        name: 'notes.txt',
        mimeType: 'text/plain',
        buffer: Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00, 0xff, 0xfe, 0x00, 0x01]),
      });
      const refusedType = chip(page, 'notes.txt');
      await refusedType.locator('.chip-problem').waitFor();
      expect(await refusedType.locator('.chip-problem').innerText()).toMatch(/type|PNG|PDF|text/i);

      // One byte over the free plan's largest file.
      const limit = TIER_LIMITS.free.fileMaxBytes;
      await fileInput(page).setInputFiles({
        name: 'big.txt',
        mimeType: 'text/plain',
        buffer: Buffer.alloc(limit + 1, 'a'),
      });
      const tooBig = chip(page, 'big.txt');
      await tooBig.locator('.chip-problem').waitFor({ timeout: 20_000 });
      expect(await tooBig.locator('.chip-problem').innerText()).toMatch(/MB/);
      await screenshot(page, `files-refused-${device}`);
      await expectAccessible(page);

      // Refused files are not sent: Send still works with the pasted image, and Remove takes a chip away.
      await page.getByRole('button', { name: 'Remove big.txt' }).click();
      expect(await chip(page, 'big.txt').count()).toBe(0);
      await composer(page).fill('[[fake tokens=2]] Just the picture');
      await composer(page).press('Enter');
      await page.waitForURL(/\/c\/[0-9a-f-]{36}$/);
      await waitForReplyEnd(page);
      await page.locator('article.message.user').last().getByRole('img', { name: 'image.png' }).waitFor();
      await page.close();
    });

    it('a model that cannot read an attached image is locked in the picker with why, and Send says why it waits', async () => {
      const page = await openPage(browser(), device);
      await signInByEmail(page);
      const picker = page.getByLabel('Model');
      const llama = picker.locator('option[value="openai-compat/llama-test"]');
      await llama.waitFor({ state: 'attached' });
      // Chosen before any file is attached: allowed.
      expect(await llama.isDisabled()).toBe(false);
      await picker.selectOption('openai-compat/llama-test');
      await fileInput(page).setInputFiles({ name: 'dot.png', mimeType: 'image/png', buffer: PNG });
      await chip(page, 'dot.png').getByText(/bytes/).waitFor();
      // Now it says it cannot read images, Send is disabled and the reason is given in words.
      await page.getByText('llama-test cannot read images: pick another model or remove the file.').waitFor();
      await composer(page).fill('[[fake tokens=2]] What is this?');
      expect(await page.getByRole('button', { name: 'Send' }).isDisabled()).toBe(true);
      expect(await chip(page, 'dot.png').locator('.chip-problem').innerText()).toBe('llama-test cannot read images');
      expect(await llama.innerText()).toMatch(/cannot read images/);
      expect(await llama.isDisabled()).toBe(true);
      await expectAccessible(page);
      await screenshot(page, `files-model-locked-${device}`);
      // A model that reads images: Send is possible again.
      await picker.selectOption('anthropic/claude-sonnet-5-5');
      await expect.poll(() => page.getByRole('button', { name: 'Send' }).isDisabled()).toBe(false);
      // Removing the image frees the locked model too.
      await page.getByRole('button', { name: 'Remove dot.png' }).click();
      await expect.poll(() => llama.isDisabled()).toBe(false);
      await page.close();
    });

    it('a GIF locks the Gemini models (Gemini reads no GIF), and only them', async () => {
      const page = await openPage(browser(), device);
      await signInByEmail(page);
      const picker = page.getByLabel('Model');
      const gemini = picker.locator('option[value="google/gemini-2.5-flash"]');
      const claude = picker.locator('option[value="anthropic/claude-sonnet-5-5"]');
      await gemini.waitFor({ state: 'attached' });
      await picker.selectOption('google/gemini-2.5-flash');
      // The smallest GIF there is: a 1×1 pixel.
      const gif = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');
      await fileInput(page).setInputFiles({ name: 'wave.gif', mimeType: 'image/gif', buffer: gif });
      await chip(page, 'wave.gif').getByText(/bytes/).waitFor();
      await page.getByText('Gemini 2.5 Flash cannot read GIF images: pick another model or remove the file.').waitFor();
      expect(await chip(page, 'wave.gif').locator('.chip-problem').innerText()).toBe(
        'Gemini 2.5 Flash cannot read GIF images',
      );
      expect(await gemini.isDisabled()).toBe(true);
      expect(await gemini.innerText()).toMatch(/cannot read GIF images/);
      await composer(page).fill('[[fake tokens=2]] What is this?');
      expect(await page.getByRole('button', { name: 'Send' }).isDisabled()).toBe(true);
      expect(await claude.isDisabled()).toBe(false);
      await picker.selectOption('anthropic/claude-sonnet-5-5');
      await expect.poll(() => page.getByRole('button', { name: 'Send' }).isDisabled()).toBe(false);
      await expectAccessible(page);
      await page.close();
    });
  });
}
