/**
 * Save text as a file through the browser's download, in Electron and in the browser mode alike.
 * The content may be the pieces of a streamed answer: the Blob joins them without one big string.
 */
export function download(filename: string, content: string | readonly BlobPart[]): void {
  const parts = typeof content === 'string' ? [content] : [...content];
  const url = URL.createObjectURL(new Blob(parts, { type: 'text/csv;charset=utf-8' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
