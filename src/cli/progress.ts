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

/** From this wait on, the spinner also says how long it has waited, so a slow first token does not look like a hang. */
export const SHOW_ELAPSED_MS = 1000

/**
 * Draws `label` behind a spinner on `stream` until stopped; once the wait is a second or more, `longLabel`
 * (default `label`) and the seconds waited (`waiting for the first token… 12 s`). Does nothing unless `stream` is a terminal (pipes and
 * logs stay clean).
 */
export function startProgress(stream: CliOutput, label: string, longLabel = label): Progress {
  if (stream.isTTY !== true) return { stop() {} }
  let frame = 0
  const started = performance.now()
  const draw = (): void => {
    const waited = performance.now() - started
    const text = waited >= SHOW_ELAPSED_MS ? `${longLabel} ${Math.floor(waited / 1000)} s` : label
    // The line only grows (the count gains digits), so a bare \r leaves no stale tail.
    stream.write(`\r${FRAMES[frame++ % FRAMES.length]} ${text}`)
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
