import { installInterruptHandlers, interruptedRunExitCode } from './interrupt.js';
import { runCli } from './program.js';

// A closed pipe (`vigie hash … | head`) ends the run quietly, as other Unix tools do.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

installInterruptHandlers();
const exitCode = await runCli(process.argv);
const interrupted = interruptedRunExitCode();
// Interrupted: work still in flight (workers, sockets) is abandoned; temporary files go with the exit hook.
if (interrupted !== undefined) process.exit(interrupted);
process.exitCode = exitCode;
