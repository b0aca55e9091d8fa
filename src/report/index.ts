// The plan report: plan → a complete HTML page (pure), beside the other exports of a plan.
export { checkCspInputs, renderMessage, renderReport, type ReportOptions } from './html';
