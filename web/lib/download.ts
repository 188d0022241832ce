/**
 * Saves bytes as a file. The Blob's type is application/octet-stream whatever
 * the sender declared, and the link carries `download`, so the browser saves
 * it and never renders it inside the app's origin.
 */
export function saveBytes(bytes: ArrayBuffer | Uint8Array, fileName: string): void {
  const blob = new Blob([bytes as BlobPart], { type: 'application/octet-stream' });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.rel = 'noopener';
  a.style.display = 'none';
  document.body.append(a);
  a.click();
  a.remove();
  // The download has started by now; the URL is only needed until then.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
