// What the platform's own pages need from Orthanc, asked server-side (no user token involved: the
// platform itself owns the archive, as KHEOPS owns its PACS).
export interface SeriesSummary {
  seriesUid: string;
  description: string;
  modality: string;
  seriesNumber: number | undefined;
  instanceCount: number | undefined;
}

export interface StudySummary {
  studyUid: string;
  patientName: string;
  patientId: string;
  description: string;
  date: string;
  series: SeriesSummary[];
}

type DicomJson = Record<string, { vr?: string; Value?: unknown[] } | undefined>;

const TAG = {
  studyDate: '00080020',
  modality: '00080060',
  studyDescription: '00081030',
  seriesDescription: '0008103E',
  patientName: '00100010',
  patientId: '00100020',
  studyUid: '0020000D',
  seriesUid: '0020000E',
  seriesNumber: '00200011',
  instanceNumber: '00200013',
  seriesInstanceCount: '00201209',
  sopInstanceUid: '00080018',
} as const;

const REQUEST_TIMEOUT_MS = 15000;

export class OrthancClient {
  constructor(private readonly orthancUrl: URL) {}

  async listStudies(): Promise<StudySummary[]> {
    const studies = await this.qido('/api/studies', [TAG.studyDescription, TAG.patientName, TAG.patientId, TAG.studyDate]);
    const summaries = await Promise.all(
      studies.map(async (study): Promise<StudySummary> => {
        const studyUid = text(study, TAG.studyUid);
        const series = await this.listSeries(studyUid);
        return {
          studyUid,
          patientName: personName(study, TAG.patientName),
          patientId: text(study, TAG.patientId),
          description: text(study, TAG.studyDescription),
          date: dicomDate(text(study, TAG.studyDate)),
          series,
        };
      }),
    );
    return summaries.sort((a, b) => b.date.localeCompare(a.date) || a.patientName.localeCompare(b.patientName));
  }

  async listSeries(studyUid: string): Promise<SeriesSummary[]> {
    const series = await this.qido(`/api/studies/${encodeURIComponent(studyUid)}/series`, [
      TAG.seriesDescription,
      TAG.modality,
      TAG.seriesNumber,
      TAG.seriesInstanceCount,
    ]);
    return series
      .map((item) => ({
        seriesUid: text(item, TAG.seriesUid),
        description: text(item, TAG.seriesDescription),
        modality: text(item, TAG.modality),
        seriesNumber: number(item, TAG.seriesNumber),
        instanceCount: number(item, TAG.seriesInstanceCount),
      }))
      .sort((a, b) => (a.seriesNumber ?? Infinity) - (b.seriesNumber ?? Infinity));
  }

  /**
   * A PNG of the series' middle instance: DICOMweb `rendered` first, Orthanc's own preview if the
   * DICOMweb plugin cannot render it.
   */
  async seriesThumbnail(studyUid: string, seriesUid: string): Promise<Response | undefined> {
    const seriesPath = `/api/studies/${encodeURIComponent(studyUid)}/series/${encodeURIComponent(seriesUid)}`;
    const instances = await this.qido(`${seriesPath}/instances`, [TAG.instanceNumber]);
    instances.sort((a, b) => (number(a, TAG.instanceNumber) ?? 0) - (number(b, TAG.instanceNumber) ?? 0));
    const middle = instances[Math.floor(instances.length / 2)];
    if (!middle) return undefined;
    const sopUid = text(middle, TAG.sopInstanceUid);

    const rendered = await this.get(`${seriesPath}/instances/${encodeURIComponent(sopUid)}/rendered`, 'image/png');
    if (rendered.ok) return rendered;
    await rendered.body?.cancel();

    const lookup = await fetch(this.url('/tools/lookup'), { method: 'POST', body: sopUid, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    const found = lookup.ok ? ((await lookup.json()) as { ID?: string; Type?: string }[]) : [];
    const orthancId = found.find((item) => item.Type === 'Instance')?.ID;
    if (!orthancId) return undefined;
    const preview = await this.get(`/instances/${encodeURIComponent(orthancId)}/preview`, 'image/png');
    return preview.ok ? preview : undefined;
  }

  private async qido(path: string, includeFields: string[]): Promise<DicomJson[]> {
    const query = new URLSearchParams(includeFields.map((tag) => ['includefield', tag]));
    const response = await this.get(`${path}?${query.toString()}`, 'application/dicom+json');
    if (response.status === 204) return [];
    if (!response.ok) throw new Error(`Orthanc answered ${response.status} to GET ${path}`);
    const body: unknown = await response.json();
    return Array.isArray(body) ? (body as DicomJson[]) : [];
  }

  private get(path: string, accept: string): Promise<Response> {
    return fetch(this.url(path), { headers: { Accept: accept }, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  }

  private url(path: string): string {
    return this.orthancUrl.origin + this.orthancUrl.pathname.replace(/\/$/, '') + path;
  }
}

function firstValue(dataset: DicomJson, tag: string): unknown {
  return dataset[tag]?.Value?.[0];
}

function text(dataset: DicomJson, tag: string): string {
  const value = firstValue(dataset, tag);
  return typeof value === 'string' || typeof value === 'number' ? String(value) : '';
}

function number(dataset: DicomJson, tag: string): number | undefined {
  const value = Number(firstValue(dataset, tag));
  return Number.isFinite(value) ? value : undefined;
}

function personName(dataset: DicomJson, tag: string): string {
  const value = firstValue(dataset, tag) as { Alphabetic?: string } | string | undefined;
  const alphabetic = typeof value === 'string' ? value : (value?.Alphabetic ?? '');
  const [family = '', given = ''] = alphabetic.split('^');
  return [family, given].filter(Boolean).join(', ');
}

function dicomDate(value: string): string {
  return /^\d{8}$/.test(value) ? `${value.slice(0, 4)}-${value.slice(4, 6)}-${value.slice(6, 8)}` : value;
}
