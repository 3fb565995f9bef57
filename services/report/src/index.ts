export { EVENT_BUS_ENV } from './config';
export { buildReport, generateReport, paceOf, ratingOf, REPORT_ID_NAMESPACE, ReportPublishFailed } from './report';
export type { ReportDependencies } from './report';
