import { createInterface } from 'node:readline/promises';

/** Whether a person can answer a question here: stdin and stderr are terminals and this is not CI. */
export function canAsk(): boolean {
  return Boolean(process.stdin.isTTY && process.stderr.isTTY) && !process.env.CI;
}

let queue: Promise<unknown> = Promise.resolve();

/**
 * A yes/no question on the terminal (stderr, so stdout stays the command's result). Questions from
 * parallel work (compare deploys both models at once) are asked one after the other; the live
 * progress view is paused while one is open.
 */
export function terminalConfirm(view?: { pause?: () => void; resume?: () => void }): (question: string) => Promise<boolean> {
  return (question) => {
    const asked = queue.then(async () => {
      view?.pause?.();
      const rl = createInterface({ input: process.stdin, output: process.stderr });
      try {
        const answer = await rl.question(`${question} [y/N] `);
        return /^y(es)?$/i.test(answer.trim());
      } finally {
        rl.close();
        view?.resume?.();
      }
    });
    queue = asked.catch(() => undefined);
    return asked;
  };
}
