/**
 * What people read when an input is refused, for tRPC, REST and the forms alike: one plain
 * sentence per problem, naming the field ("totalAmount must not be negative", "status must be one
 * of: paid, refunded"), never the validation library's own wording. Installed as zod's error map
 * by importing this module (common.schema.ts does); a schema's own message still wins.
 */
import { z } from 'zod';

type Issue = z.core.$ZodRawIssue;

const fieldOf = (path: readonly PropertyKey[] | undefined) => (path?.length ? path.map(String).join('.') : 'The input');

const TYPE_WORDS: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  object: 'an object',
  array: 'a list',
  date: 'a date',
  bigint: 'a whole number',
  null: 'null',
};

function sizeWords(origin: string, n: number | bigint): string {
  if (origin === 'string') return `${n} character${n === 1 ? '' : 's'}`;
  if (origin === 'array' || origin === 'set') return `${n} item${n === 1 ? '' : 's'}`;
  return String(n);
}

/** The sentence for one issue; `field` names what it is about. */
export function plainMessage(issue: Issue): string {
  const field = fieldOf(issue.path);
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return `${field} is required`;
      return `${field} must be ${TYPE_WORDS[issue.expected] ?? issue.expected}`;
    case 'too_small': {
      const min = issue.minimum;
      if (issue.origin === 'string' && Number(min) === 1) return `${field} is required`;
      if (issue.origin === 'date')
        return `${field} must be ${issue.inclusive ? 'at or after' : 'after'} ${new Date(Number(min)).toISOString()}`;
      if ((issue.origin === 'number' || issue.origin === 'int') && Number(min) === 0 && issue.inclusive)
        return `${field} must not be negative`;
      if (issue.inclusive) return `${field} must be at least ${sizeWords(issue.origin, min)}`;
      return `${field} must be greater than ${sizeWords(issue.origin, min)}`;
    }
    case 'too_big': {
      const max = issue.maximum;
      if (issue.origin === 'date')
        return `${field} must be ${issue.inclusive ? 'at or before' : 'before'} ${new Date(Number(max)).toISOString()}`;
      if (issue.inclusive) return `${field} must be at most ${sizeWords(issue.origin, max)}`;
      return `${field} must be less than ${sizeWords(issue.origin, max)}`;
    }
    case 'invalid_format':
      if (issue.format === 'email') return `${field} must be a valid email address`;
      if (issue.format === 'datetime') return `${field} must be an ISO 8601 date-time with a time zone, such as 2030-01-31T18:00:00Z`;
      if (issue.format === 'regex') return `${field} is not in the expected format`;
      return `${field} must be a valid ${issue.format}`;
    case 'invalid_value': {
      const values = issue.values.map((v) => (typeof v === 'string' ? v : JSON.stringify(v)));
      return values.length === 1 ? `${field} must be ${values[0]}` : `${field} must be one of: ${values.join(', ')}`;
    }
    case 'unrecognized_keys': {
      const keys = issue.keys.map((k) => (issue.path?.length ? `${fieldOf(issue.path)}.${k}` : k));
      return keys.length === 1 ? `${keys[0]} is not a known field` : `${keys.join(', ')} are not known fields`;
    }
    case 'not_multiple_of':
      return `${field} must be a multiple of ${String(issue.divisor)}`;
    default:
      return `${field} is not valid`;
  }
}

z.config({ customError: plainMessage });

/** "name is required; startingQuantity must be at least 1" (each message names its field). */
export const describeZodError = (err: z.ZodError) => [...new Set(err.issues.map((i) => i.message))].join('; ');

/** Field name -> its messages (each unknown key is a field of its own). */
export function zodFields(err: z.ZodError): Record<string, string[]> {
  // No prototype: a client's field may be called __proto__ or constructor.
  const fields = Object.create(null) as Record<string, string[]>;
  const add = (field: string, message: string) => (fields[field] ??= []).push(message);
  for (const issue of err.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) add([...issue.path, key].join('.'), `${[...issue.path, key].join('.')} is not a known field`);
    } else {
      add(issue.path.length ? issue.path.join('.') : '(input)', issue.message);
    }
  }
  return fields;
}
