/**
 * Masked receivers (面单隐私) live with the waybill that prints them, in printers/; they are
 * re-exported here so the orders module and its callers keep one import path.
 */
export { maskAddress, maskName, maskPhone } from '../../printers/documents/privacy';
