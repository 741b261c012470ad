'use client';
/**
 * Create / edit a sale. Validated in the browser with the same zod schemas the API uses
 * (ZCreateSaleInput, ZUpdateSaleInput); the server's field errors land on the same fields.
 */
import { useRouter } from 'next/navigation';
import { useEffect, useId, useState, type FormEvent, type ReactNode } from 'react';
import { z } from 'zod';
import { api } from '@/trpc/react';
import { ZCreateSaleInput, ZSaleWindow, ZUpdateSaleInput } from '@/server/sales/sales.schema';
import { errorInfo } from './errors';
import { FormField, type FieldControl } from './form-field';
import { fromLocalInput, toLocalInput } from './format';

type Field = 'name' | 'description' | 'pricePerUnit' | 'startingQuantity' | 'startsAt' | 'endsAt' | 'preQueue';
type Values = Record<Field, string>;

export interface SaleFormInitial {
  id: string;
  name: string;
  description: string;
  pricePerUnit: number;
  startingQuantity: number;
  startsAt: Date;
  endsAt: Date;
  preQueue: 'random' | 'fifo' | null;
}

const LABELS: Record<Field, string> = {
  name: 'Name',
  description: 'Description',
  pricePerUnit: 'Price per unit (USD)',
  startingQuantity: 'Units for sale',
  startsAt: 'Starts at',
  endsAt: 'Ends at',
  preQueue: 'Before the start',
};

/** The waiting room choices; '' is none. */
const PRE_QUEUE_CHOICES: [string, string][] = [
  ['', 'Refuse buys until the start'],
  ['random', 'Waiting room, placed in random order at the start'],
  ['fifo', 'Waiting room, placed in arrival order at the start'],
];

function valuesOf(sale: SaleFormInitial | undefined): Values {
  if (!sale) {
    return { name: '', description: '', pricePerUnit: '', startingQuantity: '', startsAt: '', endsAt: '', preQueue: '' };
  }
  return {
    name: sale.name,
    description: sale.description,
    pricePerUnit: String(sale.pricePerUnit),
    startingQuantity: String(sale.startingQuantity),
    startsAt: toLocalInput(new Date(sale.startsAt)),
    endsAt: toLocalInput(new Date(sale.endsAt)),
    preQueue: sale.preQueue ?? '',
  };
}

/**
 * Form strings -> the schema's input shape. The API takes numbers and dates only, never text that
 * looks like one, so the form converts its own fields: empty is missing, anything else a number
 * (NaN when it is not one, which the schema names).
 */
const toNumber = (v: string) => (v.trim() === '' ? undefined : Number(v.trim()));

function toInput(v: Values) {
  return {
    name: v.name,
    description: v.description,
    pricePerUnit: toNumber(v.pricePerUnit),
    startingQuantity: toNumber(v.startingQuantity),
    startsAt: fromLocalInput(v.startsAt),
    endsAt: fromLocalInput(v.endsAt),
    preQueue: v.preQueue === 'random' || v.preQueue === 'fifo' ? v.preQueue : null,
  };
}

export function SaleForm({ sale, started = false }: { sale?: SaleFormInitial; started?: boolean }) {
  const id = useId();
  const router = useRouter();
  const utils = api.useUtils();
  const editing = sale !== undefined;
  // What the server holds: the baseline for "what changed", moved forward by each save.
  const [initial, setInitial] = useState(() => valuesOf(sale));
  const [values, setValues] = useState<Values>(initial);
  const [errors, setErrors] = useState<Partial<Record<Field, string>>>({});
  const [problem, setProblem] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const [tz, setTz] = useState('');

  // New sales default to "starts now, runs for an hour" (set after mount: the browser's clock and zone).
  useEffect(() => {
    // eslint-disable-next-line react-hooks/set-state-in-effect -- the browser's clock and zone exist only after mount
    setTz(Intl.DateTimeFormat().resolvedOptions().timeZone);
    if (editing) return;
    const now = new Date();
    now.setSeconds(0, 0);
    setValues((v) => ({
      ...v,
      startsAt: v.startsAt || toLocalInput(now),
      endsAt: v.endsAt || toLocalInput(new Date(now.getTime() + 3600_000)),
    }));
  }, [editing]);

  const onServerError = (err: unknown) => {
    const info = errorInfo(err);
    const fe = info.fieldErrors ?? {};
    const next: Partial<Record<Field, string>> = {};
    for (const k of Object.keys(LABELS) as Field[]) if (fe[k]?.[0]) next[k] = fe[k][0];
    setErrors(next);
    setProblem(info.message);
  };
  const create = api.sales.create.useMutation({
    onSuccess: async (s) => {
      await utils.sales.invalidate();
      router.push(`/admin/sales/${s.id}/monitor?created=1`);
    },
    onError: onServerError,
  });
  const update = api.sales.update.useMutation({
    onSuccess: async (s) => {
      // The form keeps its state across router.refresh() (the page does not re-key it), so the
      // "Saved." status stays; the saved sale becomes the new baseline.
      const next = valuesOf(s);
      setInitial(next);
      setValues(next);
      setSaved(true);
      await utils.sales.invalidate();
      router.refresh();
    },
    onError: onServerError,
  });
  const pending = create.isPending || update.isPending;

  const focusFirst = (fields: Partial<Record<Field, string>>) => {
    const first = (Object.keys(LABELS) as Field[]).find((k) => fields[k]);
    if (first) document.getElementById(`${id}-${first}`)?.focus();
  };

  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    setProblem(null);
    setSaved(false);
    const input = toInput(values);
    if (!editing) {
      const r = ZCreateSaleInput.safeParse(input);
      if (!r.success) return showErrors(r.error);
      setErrors({});
      create.mutate(r.data);
      return;
    }
    // Send only what changed: minute-precision inputs must not "move" a start that has passed.
    const changed: Record<string, unknown> = { id: sale.id };
    for (const k of Object.keys(LABELS) as Field[]) if (values[k] !== initial[k]) changed[k] = input[k];
    if (Object.keys(changed).length === 1) return setProblem('Nothing has changed.');
    const r = ZUpdateSaleInput.safeParse(changed);
    if (!r.success) return showErrors(r.error);
    // The window rule needs both ends: check the pair as the form shows it.
    const pair = ZSaleWindow.safeParse({ startsAt: input.startsAt, endsAt: input.endsAt });
    const windowErr = pair.success ? undefined : z.flattenError(pair.error).fieldErrors.endsAt?.[0];
    if (windowErr) {
      setErrors({ endsAt: windowErr });
      focusFirst({ endsAt: windowErr });
      return;
    }
    setErrors({});
    update.mutate(r.data);
  };

  const showErrors = (err: z.ZodError) => {
    const fe = z.flattenError(err).fieldErrors as Partial<Record<Field, string[]>>;
    const next: Partial<Record<Field, string>> = {};
    for (const k of Object.keys(LABELS) as Field[]) if (fe[k]?.[0]) next[k] = fe[k][0];
    setErrors(next);
    focusFirst(next);
  };

  const set = (k: Field) => (e: { target: { value: string } }) => setValues((v) => ({ ...v, [k]: e.target.value }));
  /** The field `k` of the grid: its label, the error of that field, an optional hint. */
  const field = (k: Field, control: (c: FieldControl) => ReactNode, opts: { full?: boolean; hint?: ReactNode } = {}) => (
    <FormField
      id={`${id}-${k}`}
      label={LABELS[k]}
      error={errors[k]}
      hint={opts.hint}
      className={opts.full ? 'full' : undefined}
      errorTestId={`error-${k}`}
    >
      {control}
    </FormField>
  );
  const lockedQty = editing && started;

  return (
    <form className="card stack" onSubmit={submit} noValidate aria-label={editing ? 'Edit sale' : 'New sale'}>
      {problem && (
        <div className="notice bad" role="alert" data-testid="form-error">
          {problem}
        </div>
      )}
      {saved && (
        <div className="notice ok" role="status">
          Saved.
        </div>
      )}
      <div className="form-grid">
        {field(
          'name',
          (c) => (
            <input {...c} name="name" value={values.name} onChange={set('name')} maxLength={200} />
          ),
          { full: true },
        )}
        {field(
          'description',
          (c) => (
            <textarea {...c} name="description" value={values.description} onChange={set('description')} />
          ),
          { full: true },
        )}
        {field('pricePerUnit', (c) => (
          <input
            {...c}
            name="pricePerUnit"
            type="number"
            inputMode="decimal"
            step="0.01"
            min="0"
            value={values.pricePerUnit}
            onChange={set('pricePerUnit')}
          />
        ))}
        {field(
          'startingQuantity',
          (c) => (
            <input
              {...c}
              name="startingQuantity"
              type="number"
              inputMode="numeric"
              step="1"
              min="1"
              value={values.startingQuantity}
              onChange={set('startingQuantity')}
              disabled={lockedQty}
            />
          ),
          { hint: lockedQty ? 'Fixed once the sale has started.' : undefined },
        )}
        {field(
          'startsAt',
          (c) => (
            <input {...c} name="startsAt" type="datetime-local" value={values.startsAt} onChange={set('startsAt')} disabled={lockedQty} />
          ),
          {
            hint: `Your local time${tz ? ` (${tz})` : ''}.`,
          },
        )}
        {field('endsAt', (c) => (
          <input {...c} name="endsAt" type="datetime-local" value={values.endsAt} onChange={set('endsAt')} />
        ))}
        {field(
          'preQueue',
          (c) => (
            <select {...c} name="preQueue" value={values.preQueue} onChange={set('preQueue')} disabled={lockedQty}>
              {PRE_QUEUE_CHOICES.map(([value, label]) => (
                <option key={value} value={value}>
                  {label}
                </option>
              ))}
            </select>
          ),
          {
            full: true,
            hint: lockedQty
              ? 'Fixed once the sale has started.'
              : 'A waiting room lets buyers line up early. Random order means being the fastest at the opening second gains nothing.',
          },
        )}
      </div>
      <div className="row">
        <button type="submit" className="btn" disabled={pending}>
          {pending ? 'Saving…' : editing ? 'Save changes' : 'Create sale'}
        </button>
      </div>
    </form>
  );
}
