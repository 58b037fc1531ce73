/** The report feature's public surface (used by `archcompare report` and `archcompare compare`). */
export { buildReport, checkComparable, type ReportInputs } from './build.js';
export { loadReportInputs, loadResults, loadEffortWeights, type LoadReportOptions } from './inputs.js';
export { renderReport, REPORT_FORMATS, type ReportFormat, type RenderOptions } from './render/index.js';
export { ReportView, type ReportViewProps } from './ui/ReportView.js';
export { ReportSchema, reportJsonSchema, type Report } from './model.js';
export { assessEffort, EffortWeightsSchema, type EffortWeights } from './effort.js';
