/** What other modules may use of the catalog. */
export { findByBarcode, getSkuRow } from './skus.service';
export { checkBarcode } from './barcodes';
