// The plan report: plan → a complete HTML page (pure), beside the other exports of a plan.
export { checkCspInputs, renderMessage, renderReport, renderReportSteps, type ReportOptions } from './html';
