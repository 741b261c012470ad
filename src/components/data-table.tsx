import type { ReactNode } from 'react';

/** A column heading: its text, or `{ num: text }` for a right-aligned column of figures. */
export type Column = string | { num: string };

/**
 * A table that becomes one card per row on a phone (each cell names its column with
 * `data-label`), inside the wrapper that scrolls it sideways when it is too wide.
 * `label` is the table's accessible name; `children` are its body rows.
 */
export function DataTable({ label, columns, children }: { label: string; columns: readonly Column[]; children: ReactNode }) {
  return (
    <div className="table-wrap">
      <table className="cards-on-phone" aria-label={label}>
        <thead>
          <tr>
            {columns.map((c) =>
              typeof c === 'string' ? (
                <th key={c} scope="col">
                  {c}
                </th>
              ) : (
                <th key={c.num} scope="col" className="num">
                  {c.num}
                </th>
              ),
            )}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}
