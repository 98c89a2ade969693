/** The stock page: what a seller (or the hub) holds, and what expires soon. */

export const stockEn = {
  'nav.stock': 'Stock',
  'home.stockCard': 'What the hub holds for you, and what expires soon.',
  'stock.title': 'Stock',
  'stock.lead': 'What the hub holds for you, per product. Available = on hand − already promised to orders.',
  'stock.sku': 'Product',
  'stock.owner': 'Owner',
  'stock.onHand': 'On hand',
  'stock.allocated': 'Promised',
  'stock.available': 'Available',
  'stock.empty': 'No stock yet. Stock appears here once the hub has received your delivery.',
  'stock.expiringTitle': 'Expiring within {days} days',
  'stock.expiringNone': 'Nothing expires within {days} days.',
  'stock.lot': 'Lot',
  'stock.expiresAt': 'Expires',
  'stock.location': 'Location',
  'stock.onHold': 'on hold',
};

export const stockZh: Record<keyof typeof stockEn, string> = {
  'nav.stock': '库存',
  'home.stockCard': '产地仓为您保管的货物，以及快到期的批次。',
  'stock.title': '库存',
  'stock.lead': '产地仓为您保管的货物，按商品汇总。可用 = 在库 − 已分配给订单。',
  'stock.sku': '商品',
  'stock.owner': '货主',
  'stock.onHand': '在库',
  'stock.allocated': '已分配',
  'stock.available': '可用',
  'stock.empty': '还没有库存。产地仓收货后，库存会显示在这里。',
  'stock.expiringTitle': '{days}天内到期',
  'stock.expiringNone': '{days}天内没有到期的货物。',
  'stock.lot': '批次',
  'stock.expiresAt': '到期日',
  'stock.location': '库位',
  'stock.onHold': '冻结',
};
