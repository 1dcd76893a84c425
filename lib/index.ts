/** The CDK constructs and stacks of Mantle Gateway, and their props. */
export { MantleGateway, type MantleGatewayProps, FUNCTION_TIMEOUT, DEFAULT_MEMORY_MB } from './mantle-gateway';
export { MantleGatewayStack, MantleCustomerRoleStack, type MantleGatewayStackProps, customerRoleContextHelp, listContext } from './mantle-gateway-stack';
export { MantleCustomerRole, type MantleCustomerRoleProps } from './customer-role';
export { ConfigSecret, type ConfigSecretProps } from './config-secret';
export { StateTable, type StateTableProps } from './state-table';
export { GatewayDashboard, type GatewayDashboardProps } from './gateway-dashboard';
export { GatewayAlarms, type GatewayAlarmsProps } from './gateway-alarms';
