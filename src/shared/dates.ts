// Used by the server's templates and by the browser modules, so a post looks the same whichever drew it.
const POST_DATE = new Intl.DateTimeFormat('en-US', {
  timeZone: 'UTC',
  month: 'long',
  day: '2-digit',
  year: 'numeric',
});

/** "November 05, 2026": the date of a post in UTC. */
export function formatPostDate(iso: string): string {
  return POST_DATE.format(new Date(iso));
}
