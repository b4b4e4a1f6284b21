// The length of a comment, used by the table's check, the API's schema and the form alike.
export const COMMENT_MAX_LENGTH = 2000;
