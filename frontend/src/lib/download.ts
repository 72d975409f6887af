/** Hands a downloaded file to the browser to save, under its own name. */
export function saveFile(file: { blob: Blob; filename: string }) {
  const url = URL.createObjectURL(file.blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = file.filename;
  link.click();
  // The click has started the download; the URL is only needed until then.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Copies `text`; says what happened in words, for a status line. */
export async function copyText(text: string, what: string): Promise<string> {
  try {
    if (!navigator.clipboard) throw new Error('no clipboard');
    await navigator.clipboard.writeText(text);
    return `Copied ${what}.`;
  } catch {
    return `Could not copy: select the ${what} and copy it yourself.`;
  }
}
