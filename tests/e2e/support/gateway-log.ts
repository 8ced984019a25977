import type { RequestLogEntry } from '../../kheops-standin/src/request-log';
import type { StackInfo } from './stack-info';

/** One gateway request as the stand-in logs it (never the token itself). */
export type GatewayLogEntry = RequestLogEntry;

export async function gatewayLog(stack: StackInfo): Promise<GatewayLogEntry[]> {
  const response = await fetch(`${stack.standinUrl}/__test/log`);
  if (!response.ok) throw new Error(`GET /__test/log answered ${response.status}`);
  return (await response.json()) as GatewayLogEntry[];
}

export async function clearGatewayLog(stack: StackInfo): Promise<void> {
  const response = await fetch(`${stack.standinUrl}/__test/log/clear`, { method: 'POST' });
  if (!response.ok) throw new Error(`POST /__test/log/clear answered ${response.status}`);
}
