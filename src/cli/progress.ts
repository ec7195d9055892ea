/** A spinner on stderr while the CLI waits for the first token. */

/** Where the CLI writes: `process.stdout`/`process.stderr`, or a capture in tests. */
export interface CliOutput {
  write(chunk: string): unknown
  /** Set by Node on terminals; the spinner only draws when this is true. */
  isTTY?: boolean
}

/** A running indicator; `stop()` erases it and is safe to call more than once. */
export interface Progress {
  stop(): void
}

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏']
const FRAME_MS = 80
/** Carriage return, then erase to the end of the line: leaves the cursor where the spinner started. */
const CLEAR = '\r\x1b[K'

/** Draws `label` behind a spinner on `stream` until stopped. Does nothing unless `stream` is a terminal (pipes and logs stay clean). */
export function startProgress(stream: CliOutput, label: string): Progress {
  if (stream.isTTY !== true) return { stop() {} }
  let frame = 0
  const draw = (): void => {
    stream.write(`\r${FRAMES[frame++ % FRAMES.length]} ${label}`)
  }
  draw()
  const timer = setInterval(draw, FRAME_MS)
  // Never the reason the process stays alive.
  timer.unref?.()
  let stopped = false
  return {
    stop() {
      if (stopped) return
      stopped = true
      clearInterval(timer)
      stream.write(CLEAR)
    },
  }
}
