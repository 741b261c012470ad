/**
 * Query strings are read one value per name: a name given twice (`?email=a&email=b`) is refused by
 * REST and tRPC alike, since which value counts would be a guess.
 */

/** The first name that appears more than once in a query string, if any. */
export function repeatedParam(params: URLSearchParams): string | undefined {
  const seen = new Set<string>();
  for (const name of params.keys()) {
    if (seen.has(name)) return name;
    seen.add(name);
  }
  return undefined;
}

export const repeatedParamMessage = (name: string) => `${name} is given more than once in the query string; send it once`;
