import type { KheopsAuthConfig } from '../config/types';
import { requireValidConfig } from '../config/validate';

export const VIEWER = 'https://viewer.example.org';
export const ISSUER = 'https://kheops.example.org/api';

export function testConfig(): KheopsAuthConfig {
  return requireValidConfig({
    issuers: [{ issuer: ISSUER, clientId: 'ohif-viewer', dicomWebRoot: 'https://kheops.example.org/api' }],
  });
}
