import { STATUS_CODES } from 'node:http';
import type { PageDocument } from './layout.js';

const MESSAGES: Record<number, string> = {
  401: 'You need to log in to see this page.',
  403: 'You are not allowed to see this page.',
  404: 'The page you are looking for does not exist.',
  413: 'What you sent is too large.',
  429: 'Too many requests. Please wait a moment and try again.',
  500: 'Something went wrong on our side. Please try again later.',
  503: 'The site is briefly unavailable. Please try again in a moment.',
};

export function errorPage(status: number): PageDocument {
  const title = `${status} ${STATUS_CODES[status] ?? 'Error'}`;
  const message = MESSAGES[status] ?? (status >= 500 ? MESSAGES[500] : 'The request could not be handled.');
  return {
    title,
    body: (
      <div class="text-center py-5">
        <h1 class="display-5" safe>
          {title}
        </h1>
        <p class="lead" safe>
          {message}
        </p>
        <a class="btn btn-primary" href="/">
          Back to the home page
        </a>
      </div>
    ),
  };
}
