import type { ReactNode } from 'react';

/** What the control inside a FormField gets: its id and what describes it (error, hint). */
export interface FieldControl {
  id: string;
  'aria-invalid'?: true;
  'aria-describedby'?: string;
}

/**
 * One labelled form control with its hint and its error text, wired so a screen reader reads
 * both with the control: `<FormField id={..} label=".." error={..}>{(c) => <input {...c} />}</FormField>`.
 */
export function FormField({
  id,
  label,
  error,
  hint,
  className,
  errorTestId,
  children,
}: {
  id: string;
  label: ReactNode;
  error?: string | null;
  hint?: ReactNode;
  /** Extra class beside `field` (e.g. `full`: the whole row of a form grid). */
  className?: string;
  errorTestId?: string;
  children: (control: FieldControl) => ReactNode;
}) {
  const errorId = `${id}-error`;
  const hintId = `${id}-hint`;
  const describedBy = [error ? errorId : '', hint ? hintId : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div className={className ? `field ${className}` : 'field'}>
      <label htmlFor={id}>{label}</label>
      {children({ id, 'aria-invalid': error ? true : undefined, 'aria-describedby': describedBy })}
      {hint && (
        <p className="hint" id={hintId}>
          {hint}
        </p>
      )}
      {error && (
        <p className="field-error" id={errorId} data-testid={errorTestId}>
          {error}
        </p>
      )}
    </div>
  );
}
