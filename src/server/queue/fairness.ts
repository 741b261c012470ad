/** Counts pairs granted out of arrival order (i granted before j although j arrived first). O(n log n). */
export function countInversions(arrivals: number[]): number {
  const a = [...arrivals];
  const tmp = new Array<number>(a.length);
  const sort = (lo: number, hi: number): number => {
    if (hi - lo < 2) return 0;
    const mid = (lo + hi) >> 1;
    let n = sort(lo, mid) + sort(mid, hi);
    let i = lo;
    let j = mid;
    let k = lo;
    while (i < mid && j < hi) {
      if (a[i]! <= a[j]!) tmp[k++] = a[i++]!;
      else {
        tmp[k++] = a[j++]!;
        n += mid - i;
      }
    }
    while (i < mid) tmp[k++] = a[i++]!;
    while (j < hi) tmp[k++] = a[j++]!;
    for (let x = lo; x < hi; x++) a[x] = tmp[x]!;
    return n;
  };
  return sort(0, a.length);
}

export interface GrantRecord {
  token: string;
  email: string;
  arrival: number;
  atMs: number;
  mode: 'normal' | 'fastpass' | 'dispatch';
}

export const parseGrant = (raw: string): GrantRecord => {
  const [token, email, arrival, atMs, mode] = raw.split('|');
  return { token: token!, email: email!, arrival: Number(arrival), atMs: Number(atMs), mode: mode as GrantRecord['mode'] };
};
