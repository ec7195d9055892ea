// Shared by the CLI tests: run main() in-process with captured streams.
import { main, type CliIO } from '../../src/cli/main.ts'

/** Each provider's key variable, as the client tests expect it. */
export { ENV_KEYS } from '../client/helpers.ts'

/** A writable that keeps every write, in order. */
export interface Capture {
  write(chunk: string): boolean
  isTTY: boolean
  readonly writes: string[]
  readonly text: string
}

export function capture(isTTY = false): Capture {
  const writes: string[] = []
  return {
    isTTY,
    writes,
    write(chunk: string) {
      writes.push(chunk)
      return true
    },
    get text() {
      return writes.join('')
    },
  }
}

export interface RunResult {
  code: number
  stdout: string
  stderr: string
  stdoutWrites: string[]
  stderrWrites: string[]
}

/** Runs the CLI in-process; `env` replaces the environment entirely (no key leaks in from the real one). */
export async function run(
  argv: string[],
  options: { env?: Record<string, string>; tty?: boolean; stdin?: CliIO['stdin']; signal?: AbortSignal } = {},
): Promise<RunResult> {
  const stdout = capture()
  const stderr = capture(options.tty ?? false)
  const code = await main(argv, {
    stdout,
    stderr,
    env: options.env ?? {},
    ...(options.stdin && { stdin: options.stdin }),
    ...(options.signal && { signal: options.signal }),
  })
  return { code, stdout: stdout.text, stderr: stderr.text, stdoutWrites: stdout.writes, stderrWrites: stderr.writes }
}
