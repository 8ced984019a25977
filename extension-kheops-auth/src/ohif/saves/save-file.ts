/** A file ready to be handed to the browser. */
export interface SavedFile {
  name: string;
  bytes: ArrayBuffer;
}

export type SaveFile = (file: SavedFile) => void;

/** What saving a file needs of the browser; tests pass their own. */
export interface FileSaverEnvironment {
  document: Document;
  createObjectURL(blob: Blob): string;
  revokeObjectURL(url: string): void;
  later(callback: () => void, delayMs: number): void;
}

/**
 * Hands a file to the browser's download (an `<a download>` click on a blob: URL: no request leaves
 * the page, so neither the report nor a token travels anywhere). The URL is revoked a minute later:
 * revoking it at once can cancel the download in some browsers.
 */
export function fileSaver(environment: FileSaverEnvironment): SaveFile {
  return file => {
    const url = environment.createObjectURL(new Blob([file.bytes], { type: 'application/dicom' }));
    const link = environment.document.createElement('a');
    link.href = url;
    link.download = file.name;
    link.style.display = 'none';
    environment.document.body.appendChild(link);
    link.click();
    link.remove();
    environment.later(() => environment.revokeObjectURL(url), 60_000);
  };
}

export function browserFileSaver(): SaveFile {
  return fileSaver({
    document,
    createObjectURL: blob => URL.createObjectURL(blob),
    revokeObjectURL: url => URL.revokeObjectURL(url),
    later: (callback, delayMs) => void setTimeout(callback, delayMs),
  });
}
