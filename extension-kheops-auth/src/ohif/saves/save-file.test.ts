/**
 * @jest-environment jsdom
 */
import { fileSaver } from './save-file';

test('a file goes to the browser as a download of a blob: URL, which is revoked a minute later', async () => {
  const clicked: Array<{ href: string; download: string; attached: boolean }> = [];
  const later: Array<{ callback: () => void; delayMs: number }> = [];
  const revoked: string[] = [];
  let blob: Blob | undefined;
  document.addEventListener('click', event => {
    const link = event.target as HTMLAnchorElement;
    clicked.push({ href: link.getAttribute('href') ?? '', download: link.download, attached: document.body.contains(link) });
    event.preventDefault(); // jsdom does not navigate; a browser would start the download here
  });
  const save = fileSaver({
    document,
    createObjectURL: value => ((blob = value), 'blob:https://viewer.example.org/1'),
    revokeObjectURL: url => void revoked.push(url),
    later: (callback, delayMs) => void later.push({ callback, delayMs }),
  });
  save({ name: 'Lesion_2.25.42.dcm', bytes: new Uint8Array([1, 2, 3]).buffer });
  expect(clicked).toEqual([{ href: 'blob:https://viewer.example.org/1', download: 'Lesion_2.25.42.dcm', attached: true }]);
  expect(blob?.type).toBe('application/dicom');
  expect(blob?.size).toBe(3);
  expect(document.querySelector('a')).toBeNull();
  expect(revoked).toEqual([]);
  expect(later[0]?.delayMs).toBe(60_000);
  later[0]?.callback();
  expect(revoked).toEqual(['blob:https://viewer.example.org/1']);
});
