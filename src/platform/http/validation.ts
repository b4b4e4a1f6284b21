import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifySchemaCompiler, FastifySchemaValidationError } from 'fastify';
import { isCursor } from '../paging.js';
import { NO_NUL_PATTERN } from './schemas.js';

/**
 * Validators per part of the request. Query strings and path parameters arrive as text, so they are
 * coerced ("5" -> 5); JSON bodies are not, so `{"username": 123}` is refused as FastAPI refuses it.
 */
function createAjv(coerceTypes: boolean | 'array'): Ajv {
  const ajv = new Ajv({
    coerceTypes,
    useDefaults: true,
    removeAdditional: false,
    allErrors: true,
    strict: false,
  });
  addFormats.default(ajv, ['email', 'date-time', 'uri']);
  ajv.addFormat('cursor', { type: 'string', validate: isCursor });
  return ajv;
}

const bodyAjv = createAjv(false);
const textAjv = createAjv('array');

/**
 * Each validator is compiled on its route's first request rather than all at start: compiling the
 * 200 or so took a third of a second of every start. Fastify reads the errors from the function it was
 * given, so they are copied onto it after each call.
 */
export const validatorCompiler: FastifySchemaCompiler<object> = ({ schema, httpPart }) => {
  const ajv = httpPart === 'body' ? bodyAjv : textAjv;
  let compiled: ValidateFunction | undefined;
  const validate = (data: unknown): boolean => {
    compiled ??= ajv.compile(schema);
    const valid = compiled(data);
    validate.errors = compiled.errors;
    return valid;
  };
  validate.errors = null as ValidateFunction['errors'];
  return validate;
};

/** One entry of FastAPI's 422 body, the shape existing clients and the browser code read. */
export interface ValidationIssue {
  type: string;
  loc: (string | number)[];
  msg: string;
}

const LOCATIONS: Record<string, string> = {
  body: 'body',
  querystring: 'query',
  params: 'path',
  headers: 'header',
};

export function toValidationIssues(
  errors: FastifySchemaValidationError[],
  context: string,
): ValidationIssue[] {
  const where = LOCATIONS[context] ?? context;
  const issues: ValidationIssue[] = [];
  const seen = new Set<string>();
  for (const error of errors as ErrorObject[]) {
    // A failed `anyOf` (a nullable field) reports each branch; the first one says what was wrong.
    if (error.keyword === 'anyOf') continue;
    const path = error.instancePath
      .split('/')
      .slice(1)
      .map((part) => (/^\d+$/.test(part) ? Number(part) : part.replaceAll('~1', '/').replaceAll('~0', '~')));
    if (error.keyword === 'required') path.push(String(error.params.missingProperty));
    const loc = [where, ...path];
    const key = JSON.stringify(loc);
    if (seen.has(key)) continue;
    seen.add(key);
    issues.push({ loc, ...describe(error, where) });
  }
  return issues;
}

function describe(error: ErrorObject, where: string): { type: string; msg: string } {
  const params = error.params as Record<string, unknown>;
  const plural = (n: unknown) => (n === 1 ? '' : 's');
  switch (error.keyword) {
    case 'required':
      return { type: 'missing', msg: 'Field required' };
    case 'type':
      return describeType(String(params.type), where);
    case 'minLength':
      return {
        type: 'string_too_short',
        msg: `String should have at least ${String(params.limit)} character${plural(params.limit)}`,
      };
    case 'maxLength':
      return {
        type: 'string_too_long',
        msg: `String should have at most ${String(params.limit)} character${plural(params.limit)}`,
      };
    case 'minimum':
      return {
        type: 'greater_than_equal',
        msg: `Input should be greater than or equal to ${String(params.limit)}`,
      };
    case 'maximum':
      return {
        type: 'less_than_equal',
        msg: `Input should be less than or equal to ${String(params.limit)}`,
      };
    case 'format':
      return params.format === 'email'
        ? { type: 'value_error', msg: 'value is not a valid email address: The email address is not valid.' }
        : { type: 'value_error', msg: `Input should be a valid ${String(params.format)}` };
    case 'pattern':
      return params.pattern === NO_NUL_PATTERN
        ? {
            type: 'string_pattern_mismatch',
            msg: 'String should not contain NUL characters or unpaired surrogates',
          }
        : { type: 'string_pattern_mismatch', msg: `String should match pattern '${String(params.pattern)}'` };
    case 'const':
    case 'enum':
      return {
        type: 'enum',
        msg: `Input should be ${JSON.stringify(params.allowedValue ?? params.allowedValues)}`,
      };
    default:
      return { type: 'value_error', msg: error.message ?? 'Invalid value' };
  }
}

function describeType(expected: string, where: string): { type: string; msg: string } {
  // Text parts can only be "not parseable"; a JSON body can also carry the wrong JSON type.
  const fromText = where !== 'body';
  if (expected.includes('integer')) {
    return fromText
      ? { type: 'int_parsing', msg: 'Input should be a valid integer, unable to parse string as an integer' }
      : { type: 'int_type', msg: 'Input should be a valid integer' };
  }
  if (expected.includes('string')) return { type: 'string_type', msg: 'Input should be a valid string' };
  if (expected.includes('object')) {
    return {
      type: 'model_attributes_type',
      msg: 'Input should be a valid dictionary or object to extract fields from',
    };
  }
  if (expected.includes('boolean')) return { type: 'bool_type', msg: 'Input should be a valid boolean' };
  if (expected.includes('array')) return { type: 'list_type', msg: 'Input should be a valid list' };
  return { type: `${expected}_type`, msg: `Input should be a valid ${expected}` };
}
