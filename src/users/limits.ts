// The lengths of a user's fields, used by the table, the API's schemas and the forms alike.
export const USERNAME_MAX_LENGTH = 50;
export const EMAIL_MAX_LENGTH = 120;
export const PASSWORD_MIN_LENGTH = 8;
/** Longest password accepted anywhere; longer input cannot match and is not worth hashing. */
export const PASSWORD_MAX_LENGTH = 256;
export const BIO_MAX_LENGTH = 300;
