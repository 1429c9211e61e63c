export { startFcGateway, type FcEventHandler, type FcGateway, type FcGatewayOptions, type GatewayFunction } from './server';
export { newRequestId, toHttpTriggerEvent } from './http-trigger-event';
