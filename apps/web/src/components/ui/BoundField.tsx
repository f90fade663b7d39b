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
  /** On the wrapper, for its place in a grid or row. */
  className?: string;
  /** Added to the control's own `input` class. */
  controlClassName?: string;
}

type Bound = {
  id: string;
  'aria-describedby'?: string;
  'aria-invalid'?: boolean;
  className: string;
  value: string;
  onChange: (e: { target: { value: string } }) => void;
};

/**
 * The Field around a bound control: label, hint and the form's error for it, wired by id.
 * `control` gets the control's own props (those of the native element, `rest`) and the bound ones.
 */
function BoundField<F, K extends TextKey<F>, R>({
  props: { form, name, label, hint, errorKey = name, className, controlClassName, ...rest },
  control,
}: {
  props: BoundProps<F, K> & R;
  control: (rest: Omit<R, keyof BoundProps<F, K>>, bound: Bound) => ReactNode;
}) {
  return (
    <Field
      label={label}
      hint={hint}
      error={errorKey === null ? undefined : form.errors[errorKey]}
      className={className}
    >
      {(a) =>
        control(rest as Omit<R, keyof BoundProps<F, K>>, {
          ...a,
          className: controlClassName ? `input ${controlClassName}` : 'input',
          value: form.values[name] as string,
          // Selects offer only the field's own values, so the text is one of them.
          onChange: (e) => form.set(name, e.target.value as F[K]),
        })
      }
    </Field>
  );
}

type Native<E> = Omit<E, 'name' | 'value' | 'onChange' | 'form' | 'className'>;

export const InputField = <F, K extends TextKey<F>>(
  props: BoundProps<F, K> & Native<InputHTMLAttributes<HTMLInputElement>>,
) => <BoundField props={props} control={(input, bound) => <input {...input} {...bound} />} />;

/** Its children are the <option>s. */
export const SelectField = <F, K extends TextKey<F>>(
  props: BoundProps<F, K> & Native<SelectHTMLAttributes<HTMLSelectElement>>,
) => <BoundField props={props} control={(select, bound) => <select {...select} {...bound} />} />;

export const TextAreaField = <F, K extends TextKey<F>>(
  props: BoundProps<F, K> & Native<TextareaHTMLAttributes<HTMLTextAreaElement>>,
) => (
  <BoundField props={props} control={(textarea, bound) => <textarea {...textarea} {...bound} />} />
);
