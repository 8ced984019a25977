// Command line: settings from the environment (settings.ts), JSON logs on stdout, a clean stop on SIGINT/SIGTERM.
import { createLogger } from './log.js';
import { startBridge } from './server.js';
import { settingsFromEnv, SettingsError } from './settings.js';

async function main(): Promise<void> {
  let settings;
  try {
    settings = settingsFromEnv();
  } catch (error) {
    if (error instanceof SettingsError) {
      console.error(`report-provider-bridge: ${error.message}`);
      process.exit(2);
    }
    throw error;
  }
  const log = createLogger(settings.replicaName);
  const bridge = await startBridge(settings, log);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log('stopping', { signal });
    bridge.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

main().catch(error => {
  console.error(`report-provider-bridge: could not start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
