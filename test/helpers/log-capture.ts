import { Writable } from 'node:stream';
import { createLogger } from '../../server/log.js';

/** A real pino logger (Agora's own configuration) whose lines are kept in memory for the test. */
export function captureLogs(level = 'trace') {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      lines.push(String(chunk));
      cb();
    },
  });
  return { logger: createLogger(level, stream), lines, text: () => lines.join('') };
}
