import {
  useCallback,
  useState,
  type InputHTMLAttributes,
  type ReactNode,
  type SelectHTMLAttributes,
  type TextareaHTMLAttributes,
} from 'react';
import { Field } from './Field';

/** A form's values as typed, and its errors by field name (zod's or the API's issues). */
export interface FormBinding<F> {
  values: F;
  set: <K extends keyof F>(key: K, value: F[K]) => void;
  errors: Record<string, string>;
}

/** The state behind bound fields: values, one setter for all of them, and errors by field. */
export function useFormBinding<F>(initial: F) {
  const [values, setValues] = useState(initial);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const set = useCallback(
    <K extends keyof F>(key: K, value: F[K]) => setValues((old) => ({ ...old, [key]: value })),
    [],
  );
  return { values, set, errors, setErrors };
}

/** The fields whose value is text, which is what inputs, selects and text areas hold. */
type TextKey<F> = { [K in keyof F]: F[K] extends string ? K : never }[keyof F] & string;

interface BoundProps<F, K extends TextKey<F>> {
  form: FormBinding<F>;
  name: K;
  label: string;
  hint?: ReactNode;
  /** The error to show when the schema calls the field otherwise (`disks` for a disk size); null for none. */
  errorKey?: string | null;
  className?: string;
}

/** The Field around a bound control: label, hint and the form's error for it, wired by id. */
function BoundField<F, K extends TextKey<F>>({
  form,
  name,
  label,
  hint,
  errorKey = name,
  className,
  control,
}: BoundProps<F, K> & {
  control: (bound: {
    id: string;
    'aria-describedby'?: string;
    'aria-invalid'?: boolean;
    className: string;
    value: string;
    onChange: (e: { target: { value: string } }) => void;
  }) => ReactNode;
}) {
  return (
    <Field
      label={label}
      hint={hint}
      error={errorKey === null ? undefined : form.errors[errorKey]}
      className={className}
    >
      {(a) =>
        control({
          ...a,
          className: 'input',
          value: form.values[name] as string,
          // Selects offer only the field's own values, so the text is one of them.
          onChange: (e) => form.set(name, e.target.value as F[K]),
        })
      }
    </Field>
  );
}

type Native<E> = Omit<E, 'name' | 'value' | 'onChange' | 'form' | 'className' | 'children'>;

export function InputField<F, K extends TextKey<F>>({
  form,
  name,
  label,
  hint,
  errorKey,
  className,
  ...input
}: BoundProps<F, K> & Native<InputHTMLAttributes<HTMLInputElement>>) {
  return (
    <BoundField
      {...{ form, name, label, hint, errorKey, className }}
      control={(bound) => <input {...input} {...bound} />}
    />
  );
}

export function SelectField<F, K extends TextKey<F>>({
  form,
  name,
  label,
  hint,
  errorKey,
  className,
  children,
  ...select
}: BoundProps<F, K> &
  Native<SelectHTMLAttributes<HTMLSelectElement>> & {
    /** The <option>s. */
    children: ReactNode;
  }) {
  return (
    <BoundField
      {...{ form, name, label, hint, errorKey, className }}
      control={(bound) => (
        <select {...select} {...bound}>
          {children}
        </select>
      )}
    />
  );
}

export function TextAreaField<F, K extends TextKey<F>>({
  form,
  name,
  label,
  hint,
  errorKey,
  className,
  ...textarea
}: BoundProps<F, K> & Native<TextareaHTMLAttributes<HTMLTextAreaElement>>) {
  return (
    <BoundField
      {...{ form, name, label, hint, errorKey, className }}
      control={(bound) => <textarea {...textarea} {...bound} />}
    />
  );
}
