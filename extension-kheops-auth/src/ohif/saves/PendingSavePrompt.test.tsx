/**
 * @jest-environment jsdom
 */
import React from 'react';
import { fireEvent, render, screen } from '@testing-library/react';
import { PendingSavePrompt } from './PendingSavePrompt';

function renderPrompt(download: () => Promise<string[]>) {
  const send = jest.fn().mockResolvedValue(undefined);
  const discard = jest.fn().mockResolvedValue(undefined);
  render(<PendingSavePrompt count={1} savedAt="15/01/2025, 10:00" send={send} discard={discard} download={download} />);
  return { send, discard };
}

const downloadButton = () => screen.getByRole<HTMLButtonElement>('button', { name: 'Download as .dcm' });

test('offers the download beside sending and discarding, and says the report still waits afterwards', async () => {
  const { send, discard } = renderPrompt(() => Promise.resolve(['Lesion_2.25.42.dcm']));
  expect(screen.getAllByRole('button').map(button => button.textContent)).toEqual(['Send it now', 'Download as .dcm', 'Discard']);
  fireEvent.click(downloadButton());
  expect(screen.getByRole<HTMLButtonElement>('button', { name: 'Preparing…' }).disabled).toBe(true);
  expect((await screen.findByRole('status')).textContent).toBe('Downloaded Lesion_2.25.42.dcm. It still waits to be sent or discarded.');
  expect(screen.getByRole<HTMLButtonElement>('button', { name: 'Send it now' }).disabled).toBe(false);
  expect(send).not.toHaveBeenCalled();
  expect(discard).not.toHaveBeenCalled();
});

test('a failed download says so and keeps the report', async () => {
  renderPrompt(() => Promise.reject(new Error('the download module could not be loaded')));
  fireEvent.click(downloadButton());
  expect((await screen.findByRole('alert')).textContent).toBe('The download failed (the download module could not be loaded). The report is still kept; try again.');
  expect(downloadButton().disabled).toBe(false);
});

test('a report the server refused is shown with the reason instead of "the session had ended", still downloadable', () => {
  const reason = 'KHEOPS refused to store this report (403): your account may not add to this study or album.';
  render(<PendingSavePrompt count={1} savedAt="15/01/2025, 10:00" reason={reason} send={jest.fn()} discard={jest.fn()} download={jest.fn()} />);
  expect(screen.getByRole('alert').textContent).toBe(reason);
  expect(screen.queryByText(/the session had ended/)).toBeNull();
  expect(downloadButton().disabled).toBe(false);
});
