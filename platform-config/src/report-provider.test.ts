import { readFileSync } from 'node:fs';
import path from 'node:path';
import { reportProviderConfiguration, reportProviderExample } from './report-provider';

describe('report-provider configuration document', () => {
  it('registers the implicit flow with the viewer\'s /kheops/report as redirect_uri', () => {
    expect(reportProviderConfiguration({ viewerOrigin: 'http://localhost:3000' })).toEqual({
      response_type: 'token',
      redirect_uri: 'http://localhost:3000/kheops/report',
      client_name: 'OHIF viewer',
    });
  });

  it('matches the checked-in example (npm run config-examples rewrites it)', () => {
    const example = reportProviderExample();
    expect(readFileSync(path.resolve(__dirname, '..', example.name), 'utf8')).toBe(example.text);
  });
});
