// The lengths of a post's fields, used by the table, the API's schemas and the forms alike.
export const TITLE_MAX_LENGTH = 100;
