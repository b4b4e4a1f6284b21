// The rules of a tag's name (SPEC section 13), used by the table, the schemas and the service alike.
export const TAG_MAX_LENGTH = 30;
export const TAGS_PER_POST = 5;
/** What a tag is made of once normalised. */
export const TAG_PATTERN = /^[a-z0-9-]{1,30}$/;
