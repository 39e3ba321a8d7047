/** `plannedEnrolment` or `ended_other_sessions` → "Planned enrolment", "Ended other sessions": a key as words. */
export const keyAsWords = (key: string): string => {
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/_/g, " ")
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
};
