/** Entry of `npm run spec:diff`: see cli.ts for the options. */
import { runCli } from './cli.ts'

process.exitCode = runCli(process.argv.slice(2))
