import { MantleSimulator } from '../../simulator/server';
import { parseFlags } from '../args';
import { DEV_ACCESS_KEY_ID, DEV_API_KEY } from '../../simulator/credentials';
import { portOf, untilSignal } from './serve';
import type { Command } from './command';

/** The default port of `simulate`. */
export const DEFAULT_SIMULATOR_PORT = 9100;

export const simulateCommand: Command = {
  name: 'simulate',
  summary: 'run the Mantle simulator alone',
  help: `Usage: mantle-gateway simulate [--port 9100] [--host 127.0.0.1] [--event-delay-ms 0]

Runs the Mantle simulator: Mantle's paths and prefixes, SigV4 (service bedrock-mantle) and
Bedrock API key checks, deterministic answers with usage, the real SSE event sequences, and fault
injection through an "x_sim" object in request bodies. It accepts the development access key
${DEV_ACCESS_KEY_ID} and the API key ${DEV_API_KEY}.`,
  async run(args, output) {
    const { values } = parseFlags(args, { port: { type: 'string' }, host: { type: 'string' }, 'event-delay-ms': { type: 'string' } });
    if (values.help) return (output.out(simulateCommand.help), 0);
    const simulator = new MantleSimulator({
      port: portOf(values.port, DEFAULT_SIMULATOR_PORT),
      host: values.host ?? '127.0.0.1',
      eventDelayMs: Number(values['event-delay-ms'] ?? 0) || 0,
    });
    const url = await simulator.start();
    output.err(`Mantle simulator listening on ${url}`);
    await untilSignal();
    await simulator.close();
    return 0;
  },
};
