// The image process: a child of the server that does the image work (`runRecipe`) for it, so that
// libvips's buffers, which the C allocator keeps once they are freed, never grow the server's memory.
// It answers each message `{ id, input, recipe }` with `{ id, result }` or `{ id, error }`.
import { InvalidImageError, runRecipe, type ImageRecipe } from './recipe.js';

export interface ImageJob {
  id: number;
  input: Buffer;
  recipe: ImageRecipe;
}

export type ImageAnswer =
  | { id: number; result: Awaited<ReturnType<typeof runRecipe>> }
  | { id: number; error: { invalid: boolean; message: string } };

process.on('message', (job: ImageJob) => {
  runRecipe(Buffer.from(job.input), job.recipe).then(
    (result) => process.send?.({ id: job.id, result } satisfies ImageAnswer),
    (error: unknown) =>
      process.send?.({
        id: job.id,
        error: {
          invalid: error instanceof InvalidImageError,
          message: error instanceof Error ? error.message : String(error),
        },
      } satisfies ImageAnswer),
  );
});

// The server is gone (or let this process go): nothing is left to do.
process.on('disconnect', () => process.exit(0));
