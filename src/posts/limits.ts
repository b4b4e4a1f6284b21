// The lengths of a post's fields, used by the table, the API's schemas and the forms alike.
export const TITLE_MAX_LENGTH = 100;
export const DESCRIPTION_MAX_LENGTH = 300;
export const SLUG_MAX_LENGTH = 80;
