// How the metrics of shared/DOMAIN.md read on screen: their names, and whether a value is a rate, count or money.
const NAMES: Record<string, string> = {
  classes_opened: "Classes opened",
  classes_open: "Classes open",
  seats: "Seats",
  fill_rate: "Fill rate",
  admission_rate: "Admission rate",
  enrolled: "Enrolled",
  active: "Active",
  on_break: "On a break",
  enrolled_now: "Enrolled now",
  poor_household_share: "Poor-household share",
  retention_in_training: "Retention in training",
  completion_rate: "Completion rate",
  graduates: "Graduates",
  certification_rate: "Certification rate",
  enterprise_teaching_share: "Enterprise teaching share",
  internship_rate: "Internship rate",
  employment_rate: "Employment rate",
  direct_employment_rate: "Direct employment rate",
  placements: "Placements",
  sponsor_placement_rate: "Sponsor placement rate",
  major_matched_rate: "Major-matched rate",
  state_owned_placements: "State-owned placements",
  state_owned_share: "State-owned share",
  starting_wage_median: "Median starting wage",
  households_lifted: "Households lifted",
  cost_per_graduate: "Cost per graduate",
  cost_per_placement: "Cost per placement",
};

export function metricName(metric: string): string {
  const [base, part] = metric.split(".");
  if (base === "job_retention") return `Retained at ${part} days`;
  if (base === "same_employer_retention") return `Same employer at ${part} days`;
  if (base === "placement_location_share") return `Placed ${part?.replace("_", " ")}`;
  if (base === "starting_wage_median" && part) return `Median wage, ${part.replace("_", " ")}`;
  return NAMES[metric] ?? metric;
}

export function isRate(metric: string): boolean {
  return /(_rate|_share|^job_retention|^same_employer_retention|^placement_location_share)/.test(metric);
}

function isMoney(metric: string): boolean {
  return metric.startsWith("starting_wage_median") || metric.startsWith("cost_per_");
}

const COUNT = new Intl.NumberFormat("en", { maximumFractionDigits: 0 });
const MONEY = new Intl.NumberFormat("en", { style: "currency", currency: "CNY", maximumFractionDigits: 0 });

export function formatValue(metric: string, value: number | null | undefined): string {
  if (value === null || value === undefined) return "–";
  if (isRate(metric)) return `${(value * 100).toFixed(1)}%`;
  if (isMoney(metric)) return MONEY.format(value);
  return COUNT.format(value);
}

export function bucketName(dimension: string, bucket: string): string {
  if (dimension === "poor_household") {
    return { true: "poor household", false: "not poor", unknown: "unknown" }[bucket] ?? bucket;
  }
  if ((dimension === "class" || dimension === "programme") && bucket.length === 32) return bucket.slice(0, 8);
  return bucket;
}

export function shortId(id: string): string {
  return id.slice(0, 8);
}
