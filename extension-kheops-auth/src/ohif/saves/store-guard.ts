import type { CommandDefinition, CommandsManager } from '../api';
import type { StorePermission } from '../../session/store-permission';


/** Store targets that stay in the browser: saving there needs no write access on the server. */
const LOCAL_TARGETS = new Set(['download', 'copyToClipboard', 'dicomlocal']);

const GUARDED = Symbol.for('kheops-ohif.storeGuard');

/**
 * OHIF's save paths (`storeMeasurements` for SR, `storeSegmentation`) ask the
 * `createStoreFunction` command for a function that STOWs to a data source. When the session may not
 * write, the guard hands back a function that refuses with the reason instead: OHIF then shows that
 * reason in its "Create Report" error toast, sends nothing to the server, and does not add an unsaved
 * report to the study as if it had been saved (its own store function does that before the STOW).
 * Wrapping the command rather than replacing it keeps every other behaviour OHIF's.
 */
export function guardStoreCommand(commandsManager: CommandsManager, permission: () => StorePermission): boolean {
  const definition = commandsManager.getCommand('createStoreFunction') as (CommandDefinition & { [GUARDED]?: true }) | undefined;
  const original = definition?.commandFn;
  if (!definition || typeof original !== 'function') return false;
  if (definition[GUARDED]) return true;
  definition.commandFn = (params: Record<string, unknown>) => {
    const target = params.dataSource;
    if (typeof target === 'string' && LOCAL_TARGETS.has(target)) return original(params);
    const decision = permission();
    if (decision.allowed) return original(params);
    return async () => {
      throw new Error(decision.reason);
    };
  };
  definition[GUARDED] = true;
  return true;
}
