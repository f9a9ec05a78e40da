import { DEFAULT_UDC_TIMEOUT_MS, formatUdcTable, InvalidServiceUrlError, verifyUdc } from '../udc/verify.js';
import { type Command, FORMAT_OPTION, outputFormat } from './command.js';
import { EXIT, styleFor, UsageError } from './io.js';

function timeoutOption(value: unknown): number {
  if (value === undefined) return DEFAULT_UDC_TIMEOUT_MS;
  const text = String(value);
  const ms = Number(text);
  if (!/^\d+$/.test(text) || ms < 1 || ms > 600000) {
    throw new UsageError(
      `udc: --timeout must be a whole number of milliseconds from 1 to 600000, not '${text}'`,
    );
  }
  return ms;
}

export const udcCommand: Command = {
  name: 'udc',
  summary: 'Check that a running service serves the five UDC endpoints correctly',
  usage: '<URL>',
  description:
    'Calls GET /health, /capabilities, /state and /dependencies and POST /message at URL, checks each\n' +
    'answer against its schema, sends /message a valid envelope (expects 2xx, received true, the same\n' +
    'trace_id) and a malformed one (expects 4xx), and checks that /capabilities names the same service\n' +
    'as /health. Prints one row per check with its status, latency and, when it fails, what is wrong.',
  options: {
    ...FORMAT_OPTION,
    timeout: {
      type: 'string',
      valueName: 'MS',
      default: String(DEFAULT_UDC_TIMEOUT_MS),
      description: 'Time limit of each request, in milliseconds.',
    },
    service: {
      type: 'string',
      valueName: 'NAME',
      description: 'The service name /health and /capabilities must report.',
    },
  },
  exitCodes: ['0  every UDC check passed', '1  at least one UDC check failed'],
  async run({ io, values, positionals }) {
    if (positionals.length !== 1) {
      throw new UsageError(
        positionals.length === 0
          ? "udc: missing URL; e.g. 'assembly-line udc http://127.0.0.1:8000'"
          : `udc: expected one URL, got ${positionals.length}`,
      );
    }
    const url = positionals[0]!;
    const timeoutMs = timeoutOption(values.timeout);
    const expectedService = typeof values.service === 'string' ? values.service : undefined;
    let report: Awaited<ReturnType<typeof verifyUdc>>;
    try {
      report = await verifyUdc(url, { timeoutMs, ...(expectedService ? { expectedService } : {}) });
    } catch (error) {
      if (error instanceof InvalidServiceUrlError) throw new UsageError(`udc: ${error.message}`);
      throw error;
    }
    if (outputFormat(values) === 'json') {
      io.stdout.write(`${JSON.stringify({ url: report.url, ok: report.ok, rows: report.rows }, null, 2)}\n`);
    } else {
      io.stdout.write(formatUdcTable(report, styleFor(io.stdout, io.env)));
    }
    return report.ok ? EXIT.ok : EXIT.failed;
  },
};
