// A volunteer's derived measures, computed alike by the forms, the presenter, the generator and the import.

/** Whole years between a date of birth and a reference date (both ISO `YYYY-MM-DD`). */
export function ageOn(dateOfBirth: string, referenceDate: string): number {
  const [by, bm, bd] = dateOfBirth.split("-").map(Number) as [number, number, number];
  const [ry, rm, rd] = referenceDate.split("-").map(Number) as [number, number, number];
  return ry - by - (rm < bm || (rm === bm && rd < bd) ? 1 : 0);
}

/** BMI as the sandbox stores it: kg / m², one decimal. */
export function computeBmi(heightCm: number, weightKg: number): number {
  const m = heightCm / 100;
  return Math.round((weightKg / (m * m)) * 10) / 10;
}
