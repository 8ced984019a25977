// Runs a real Orthanc (Debian packages orthanc + orthanc-dicomweb) and the sample data against it.
import { request } from 'node:http';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSampleData, SYNTHETIC_CT, type SampleDataSummary } from '../fixtures/load-sample-data';
import { startOrthanc, type RunningOrthanc } from '../stack/orthanc';
import { freePort } from './support/loopback';

const TIMEOUT_MS = 60_000;

type DicomJson = Record<string, { vr: string; Value?: unknown[]; BulkDataURI?: string }>;

function listen(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen({ port, host: '127.0.0.1' }, () => resolve(server));
  });
}

/** GET with a chosen Host header, which fetch() would not send as given. */
function getWithHost(url: string, host: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    request(url, { headers: { Host: host, Accept: 'application/dicom+json' } }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    })
      .on('error', reject)
      .end();
  });
}

async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url, { headers: { Accept: 'application/dicom+json, application/json' } });
  expect(response.status).toBe(200);
  return (await response.json()) as T;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const value = (item: DicomJson, tag: string): unknown => item[tag]?.Value?.[0];

describe('Orthanc with the sample data', () => {
  const workDirs: string[] = [];
  let orthanc: RunningOrthanc;
  let summary: SampleDataSummary;

  const newWorkDir = (): string => {
    const dir = mkdtempSync(join(tmpdir(), 'kheops-orthanc-'));
    workDirs.push(dir);
    return dir;
  };

  beforeAll(async () => {
    orthanc = await startOrthanc({ port: await freePort(), workDir: newWorkDir() });
    summary = await loadSampleData(orthanc.url);
  }, TIMEOUT_MS);

  afterAll(async () => {
    await orthanc?.stop();
    for (const dir of workDirs) rmSync(dir, { recursive: true, force: true });
  }, TIMEOUT_MS);

  it('serves DICOMweb under /api', () => {
    expect(orthanc.dicomWebRoot).toBe(`${orthanc.url}/api`);
    expect(orthanc.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('lists the CT and the MR study in QIDO', async () => {
    const studies = await getJson<DicomJson[]>(`${orthanc.dicomWebRoot}/studies`);
    const uids = studies.map((study) => value(study, '0020000D'));
    expect(summary.studies).toHaveLength(2);
    expect(uids.sort()).toEqual(summary.studies.map((study) => study.studyInstanceUID).sort());
    const ct = studies.find((study) => value(study, '0020000D') === SYNTHETIC_CT.studyInstanceUID)!;
    expect(value(ct, '00100010')).toEqual({ Alphabetic: 'PHANTOM^CT' });
    expect(value(ct, '00201208')).toBe(88);
  }, TIMEOUT_MS);

  it('lists both CT series with their descriptions and sizes', async () => {
    const series = await getJson<DicomJson[]>(`${orthanc.dicomWebRoot}/studies/${SYNTHETIC_CT.studyInstanceUID}/series`);
    const described = series
      .map((item) => [value(item, '0020000E'), value(item, '0008103E'), value(item, '00201209')])
      .sort((a, b) => String(a[1]).localeCompare(String(b[1])));
    expect(described).toEqual(
      SYNTHETIC_CT.series
        .map((s) => [s.seriesInstanceUID, s.description, s.instances])
        .sort((a, b) => String(a[1]).localeCompare(String(b[1]))),
    );
  }, TIMEOUT_MS);

  it('builds BulkDataURIs in series metadata from the Host header it was sent', async () => {
    const thin = SYNTHETIC_CT.series[1]!;
    const { status, body } = await getWithHost(
      `${orthanc.dicomWebRoot}/studies/${SYNTHETIC_CT.studyInstanceUID}/series/${thin.seriesInstanceUID}/metadata`,
      '127.0.0.1:9999',
    );
    expect(status).toBe(200);
    const instances = JSON.parse(body) as DicomJson[];
    expect(instances).toHaveLength(64);
    const bulkDataURIs = instances.flatMap((instance) =>
      Object.values(instance).flatMap((element) => (element.BulkDataURI ? [element.BulkDataURI] : [])),
    );
    expect(bulkDataURIs.length).toBeGreaterThanOrEqual(64);
    for (const uri of bulkDataURIs) expect(uri.startsWith('http://127.0.0.1:9999/api/')).toBe(true);
  }, TIMEOUT_MS);

  it('loads again without duplicating anything', async () => {
    const before = await getJson<{ CountInstances: number }>(`${orthanc.url}/statistics`);
    expect(before.CountInstances).toBe(88 + 20);
    await loadSampleData(orthanc.url);
    const after = await getJson<{ CountInstances: number }>(`${orthanc.url}/statistics`);
    expect(after.CountInstances).toBe(88 + 20);
  }, TIMEOUT_MS);

  it('stop() ends the Orthanc process', async () => {
    const second = await startOrthanc({ port: await freePort(), workDir: newWorkDir() });
    expect(isRunning(second.pid)).toBe(true);
    await second.stop();
    expect(isRunning(second.pid)).toBe(false);
    await expect(fetch(`${second.url}/system`)).rejects.toThrow();
    await second.stop(); // a second call is harmless
  }, TIMEOUT_MS);

  it('says so clearly when the port is taken', async () => {
    const port = await freePort();
    const squatter = await listen(port);
    try {
      await expect(startOrthanc({ port, workDir: newWorkDir() })).rejects.toThrow(
        `port ${port} is in use (Orthanc); set ORTHANC_PORT to a free port`,
      );
    } finally {
      await new Promise((resolve) => squatter.close(resolve));
    }
  }, TIMEOUT_MS);

  it("reports the end of Orthanc's log when it exits during start-up", async () => {
    const workDir = newWorkDir();
    // A file where the storage folder should be: Orthanc cannot create its storage and quits.
    mkdirSync(workDir, { recursive: true });
    writeFileSync(join(workDir, 'storage'), 'not a folder');
    await expect(startOrthanc({ port: await freePort(), workDir })).rejects.toThrow(/Orthanc exited .*Last lines of/s);
  }, TIMEOUT_MS);
});
