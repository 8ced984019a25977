// One JSON object a line on stdout (a log collector reads it). Callers pass facts, never a token, a code
// or a cookie: those are not among the fields any caller has.
export type LogFields = Record<string, string | number | boolean | undefined>;

export function createLogger(replica: string, write: (line: string) => void = line => process.stdout.write(`${line}\n`)) {
  return (event: string, fields: LogFields = {}): void => {
    write(JSON.stringify({ time: new Date().toISOString(), replica, event, ...fields }));
  };
}

export type Logger = ReturnType<typeof createLogger>;
