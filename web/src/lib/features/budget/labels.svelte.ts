/**
 * Names of the codes in the drill path, remembered when a row is clicked so the breadcrumb reads
 * "教育支出" rather than "205". A bookmarked URL opened fresh shows codes until re-drilled.
 */
export const drillLabels = $state<Record<string, string>>({});

export const labelKey = (dim: string, value: string) => `${dim}:${value}`;
