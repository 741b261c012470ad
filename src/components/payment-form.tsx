'use client';
import { useId, useState, type FormEvent } from 'react';
import { z } from 'zod';
import { formatMoney } from './format';
import { FormField } from './form-field';

/** A mock card form: validated like a real one, but nothing is charged and no card data leaves the page. */
const luhn = (digits: string) => {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
};

const ZCard = z.object({
  name: z.string().trim().min(2, { error: 'Enter the name on the card' }),
  number: z
    .string()
    .transform((v) => v.replace(/[\s-]/g, ''))
    .refine((v) => /^\d{12,19}$/.test(v) && luhn(v), { error: 'Enter a valid card number' }),
  expiry: z
    .string()
    .trim()
    .refine(
      (v) => {
        const m = /^(\d{2})\s*\/\s*(\d{2})$/.exec(v);
        if (!m) return false;
        const month = Number(m[1]);
        const year = 2000 + Number(m[2]);
        const now = new Date();
        return month >= 1 && month <= 12 && (year > now.getFullYear() || (year === now.getFullYear() && month >= now.getMonth() + 1));
      },
      { error: 'Enter a future expiry date as MM/YY' },
    ),
  cvc: z
    .string()
    .trim()
    .regex(/^\d{3,4}$/, { error: 'Enter the 3 or 4 digit security code' }),
});
type CardField = keyof z.infer<typeof ZCard>;

export function PaymentForm({ amount, busy, disabled, onPay }: { amount: number; busy: boolean; disabled?: boolean; onPay: () => void }) {
  const id = useId();
  const [values, setValues] = useState<Record<CardField, string>>({ name: '', number: '4242 4242 4242 4242', expiry: '12/34', cvc: '123' });
  const [errors, setErrors] = useState<Partial<Record<CardField, string>>>({});

  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const r = ZCard.safeParse(values);
    if (!r.success) {
      const fe = z.flattenError(r.error).fieldErrors;
      const next: Partial<Record<CardField, string>> = {};
      for (const k of Object.keys(fe) as CardField[]) next[k] = fe[k]?.[0];
      setErrors(next);
      const first = (Object.keys(next) as CardField[])[0];
      if (first) document.getElementById(`${id}-${first}`)?.focus();
      return;
    }
    setErrors({});
    onPay();
  };

  const field = (name: CardField, label: string, props: Record<string, string>) => (
    <FormField id={`${id}-${name}`} label={label} error={errors[name]}>
      {(c) => (
        <input
          {...c}
          name={name}
          value={values[name]}
          onChange={(e) => setValues((v) => ({ ...v, [name]: e.target.value }))}
          disabled={busy || disabled}
          {...props}
        />
      )}
    </FormField>
  );

  return (
    <form className="stack" aria-label="Payment" onSubmit={submit} noValidate>
      <p className="hint">Test payment: no card is charged. The test card 4242 4242 4242 4242 is filled in.</p>
      {field('name', 'Name on card', { autoComplete: 'cc-name' })}
      {field('number', 'Card number', { autoComplete: 'cc-number', inputMode: 'numeric' })}
      <div className="grid halves" style={{ gap: '0.75rem' }}>
        {field('expiry', 'Expiry (MM/YY)', { autoComplete: 'cc-exp', placeholder: 'MM/YY' })}
        {field('cvc', 'Security code', { autoComplete: 'cc-csc', inputMode: 'numeric' })}
      </div>
      <button type="submit" className="btn wide" disabled={busy || disabled}>
        {busy ? 'Paying…' : `Pay ${formatMoney(amount)}`}
      </button>
    </form>
  );
}
