import type { DisplaySet, DisplaySetService } from '../api';

/** "15 Jan 2024" from a DICOM date (YYYYMMDD); the raw value when it is not one. */
function readableDate(value: string | undefined): string | undefined {
  const match = value ? /^(\d{4})(\d{2})(\d{2})$/.exec(value) : null;
  if (!match) return value || undefined;
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  return date.toLocaleDateString('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
}

/** The study as a clinician knows it: its description and date ("the study “CT Thorax” of 15 Jan 2024"). */
export function describeStudy(displaySets: DisplaySetService, studyInstanceUID: string | undefined): string {
  const first = displaySets.getActiveDisplaySets().find((set: DisplaySet) => set.StudyInstanceUID === studyInstanceUID && set.instances?.[0]);
  const instance = first?.instances?.[0];
  const description = instance?.StudyDescription?.trim();
  const date = readableDate(instance?.StudyDate);
  if (description) return `the study “${description}”${date ? ` of ${date}` : ''}`;
  return date ? `the study of ${date}` : 'this study';
}

/** "13:05", the time a report was saved, in the workstation's clock. */
export function savedTime(at: Date): string {
  return at.toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit' });
}

/** What the clinician is told once a report is stored: what, where, and that it comes back with the study. */
export function savedReportNotice(platform: string, reportName: string | undefined, study: string): { title: string; message: string } {
  const what = reportName ? `“${reportName}”` : 'The report';
  return {
    title: `Report saved to ${platform}`,
    message: `${what} is stored in ${platform} with ${study}. Its measurements are shown again when the study is opened.`,
  };
}
