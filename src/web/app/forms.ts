import type { UseFormReturnType } from "@mantine/form";
import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { isApiError } from "./api.js";

/** Server field names that differ from the form's, e.g. `{ "newOrganisation.name": "name" }`. */
type FieldNameMap = Record<string, string>;

type ErrorTarget = Pick<UseFormReturnType<object>, "getValues" | "setErrors">;

function formFieldFor(serverField: string, fields: object, fieldNames: FieldNameMap): string | null {
  // List items come back as `domains.0`; the form holds the whole list in one input.
  const candidates = [serverField, serverField.replace(/(\.\d+)+$/, "")];
  for (const candidate of candidates) {
    const name = fieldNames[candidate] ?? candidate;
    if (name in fields) return name;
  }
  return null;
}

/**
 * Puts the server's field errors on the matching inputs and returns what is left to say in an
 * alert: the server's message, or `null` when every problem already sits on an input.
 */
function applyServerErrors(form: ErrorTarget, error: unknown, fieldNames: FieldNameMap = {}): string | null {
  if (!isApiError(error)) return error instanceof Error ? error.message : "Something went wrong.";
  const values = form.getValues();
  const onInputs: Record<string, string> = {};
  const elsewhere: string[] = [];
  for (const [serverField, problem] of Object.entries(error.fields)) {
    const field = formFieldFor(serverField, values, fieldNames);
    if (field) onInputs[field] = problem;
    else elsewhere.push(`${serverField}: ${problem}`);
  }
  form.setErrors(onInputs);
  if (Object.keys(onInputs).length > 0 && elsewhere.length === 0) return null;
  return [error.message, ...elsewhere].join(" ");
}

type SubmitOptions<Result, Submitted> = {
  onSuccess?: (result: Result, values: Submitted) => unknown;
  /**
   * What the form shows after a successful submit. `reset` (the default) brings back its initial
   * values, so the next item written in a create form starts from the defaults and never inherits
   * the last one's choices (a "Product team only" visibility above all). `keep` is for a form that
   * edits an existing item and stays on screen: the saved values become its new baseline.
   */
  afterSuccess?: "reset" | "keep";
  /** Handles an error specially; return true to skip the usual field and alert handling. */
  onError?: (error: unknown) => boolean;
  fieldNames?: FieldNameMap;
};

/** Submits a Mantine form to the server; field errors land on inputs, the rest in `error`. */
export function useFormSubmit<Values extends object, Submitted, Result>(
  form: UseFormReturnType<Values, Submitted>,
  submit: (values: Submitted) => Promise<Result>,
  options: SubmitOptions<Result, Submitted> = {},
) {
  const [error, setError] = useState<string | null>(null);
  const mutation = useMutation({
    mutationFn: submit,
    onMutate: () => setError(null),
    onSuccess: (result, values) => {
      if (options.afterSuccess === "keep") form.resetDirty();
      else form.reset();
      return options.onSuccess?.(result, values);
    },
    onError: (failure) => {
      if (options.onError?.(failure)) return;
      setError(applyServerErrors(form, failure, options.fieldNames));
    },
  });
  return {
    onSubmit: form.onSubmit((values) => mutation.mutate(values)),
    error,
    pending: mutation.isPending,
  };
}
