export { reportedHandlers, reportedObject, reportRequestError } from './report.ts';
