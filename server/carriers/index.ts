export { connectionOf, loadCarrier } from './carriers.service';
export { selectCarrier } from './select.service';
export type { Shipment, Temperature } from './selection';
