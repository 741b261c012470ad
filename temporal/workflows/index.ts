export { holdWorkflow } from './hold.workflow';
export { saleWorkflow } from './sale.workflow';
export { healthWorkflow } from './health.workflow';
