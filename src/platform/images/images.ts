import { fork, type ChildProcess } from 'node:child_process';
import { FROM_SOURCE, projectPath } from '../paths.js';
import type { ImageAnswer, ImageJob } from './image-process.js';
import { InvalidImageError, runRecipe, type ImageRecipe, type ImageResult } from './recipe.js';

export {
  InvalidImageError,
  MAX_INPUT_PIXELS,
  detectImageFormat,
  type ImageFormat,
  type ImageRecipe,
  type ImageResult,
} from './recipe.js';

// What the API says when an upload is not an image it takes, or making one failed (the original's words).
export const INVALID_IMAGE = 'Invalid image file. Please upload a valid image (JPEG, PNG, GIF, WebP).';
export const UPLOAD_FAILED = 'Failed to upload image. Please try again.';

/** Makes images from uploads, by recipe. */
export interface Images {
  make(input: Buffer, recipe: ImageRecipe): Promise<ImageResult>;
  close(): void;
}

/** How long the image process stays after its last image; the next upload starts it again. */
const IDLE_MS = 10_000;

/** In the server's own process (IMAGE_WORKER=false): memory that libvips used stays with the server. */
export const inProcessImages: Images = { make: runRecipe, close: () => undefined };

/**
 * Images made in a child process, started on the first upload and ended after ten idle seconds: the
 * memory of the work goes back to the system with it. Uploads in flight share the one process (libvips
 * works on several at once); a process that dies fails its jobs, and the next upload starts a new one.
 */
export function childProcessImages(): Images {
  let child: ChildProcess | undefined;
  let idle: NodeJS.Timeout | undefined;
  let nextId = 1;
  const pending = new Map<
    number,
    { resolve: (result: ImageResult) => void; reject: (error: Error) => void }
  >();

  const start = (): ChildProcess => {
    // From src/ (tests, `npm run dev`) the process's module is TypeScript: tsx loads it there.
    const script = FROM_SOURCE
      ? projectPath('src', 'platform', 'images', 'image-process.ts')
      : projectPath('dist', 'platform', 'images', 'image-process.js');
    const started = fork(script, [], {
      serialization: 'advanced',
      execArgv: FROM_SOURCE ? ['--import', 'tsx'] : [],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    started.on('message', (answer: ImageAnswer) => {
      const job = pending.get(answer.id);
      if (!job) return;
      pending.delete(answer.id);
      if ('result' in answer) job.resolve({ ...answer.result, data: Buffer.from(answer.result.data) });
      else if (answer.error.invalid) job.reject(new InvalidImageError(answer.error.message));
      else job.reject(new Error(answer.error.message));
    });
    started.once('exit', (code, signal) => {
      if (child === started) child = undefined;
      for (const [id, job] of pending) {
        pending.delete(id);
        job.reject(new Error(`the image process ended (${code ?? signal}) before answering`));
      }
    });
    return started;
  };

  const stop = () => {
    clearTimeout(idle);
    const running = child;
    child = undefined;
    running?.disconnect();
  };

  return {
    make(input, recipe) {
      clearTimeout(idle);
      child ??= start();
      const id = nextId++;
      const answer = new Promise<ImageResult>((resolve, reject) => pending.set(id, { resolve, reject }));
      child.send({ id, input, recipe } satisfies ImageJob);
      return answer.finally(() => {
        if (pending.size === 0) idle = setTimeout(stop, IDLE_MS).unref();
      });
    },
    close: stop,
  };
}
