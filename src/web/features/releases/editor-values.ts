import type { Feature, Release, ReleaseInput } from "./api.js";

/** Form rows carry a stable key so React keeps each row's inputs when one above is removed. */
export type FeatureValues = Feature & { key: string };
export type EditorValues = Omit<ReleaseInput, "features"> & { features: FeatureValues[] };

const newKey = () => crypto.randomUUID();

export function valuesOf(release: Release | null): EditorValues {
  if (!release) {
    return {
      version: "",
      title: "",
      releaseDate: new Date().toISOString().slice(0, 10),
      notes: "",
      features: [],
    };
  }
  return {
    version: release.version,
    title: release.title,
    releaseDate: release.releaseDate,
    notes: release.notes,
    features: release.features.map((feature) => ({ ...feature, key: newKey() })),
  };
}

/** What the API takes: trimmed text, rows without their keys. */
export function inputOf(values: EditorValues): ReleaseInput {
  return {
    version: values.version.trim(),
    title: values.title.trim(),
    releaseDate: values.releaseDate,
    notes: values.notes,
    features: values.features.map(({ key: _key, ...feature }) => ({
      title: feature.title.trim(),
      module: feature.module.trim(),
      availability: feature.availability,
      description: feature.description.trim(),
    })),
  };
}

/** Every form path an error can be shown on; anything else goes in the alert. */
export function inputPaths(values: EditorValues): Set<string> {
  const paths = new Set(["version", "title", "releaseDate", "notes"]);
  values.features.forEach((_, index) => {
    for (const field of ["title", "module", "availability", "description"])
      paths.add(`features.${index}.${field}`);
  });
  return paths;
}
