export { buildReport, EVENT_BUS_ENV, generateReport, paceOf, ratingOf, REPORT_ID_NAMESPACE, ReportPublishFailed } from './report';
export type { ReportDependencies } from './report';
