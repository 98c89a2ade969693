import { useI18n } from '../i18n';
import { STATUS_TONE, type HoldReason, type OrderStatus } from '../orders';
import { Badge } from './ui';

/** An order's status as a coloured badge with its word in the reader's language. */
export function OrderStatusBadge({ status }: { status: OrderStatus }) {
  const { t } = useI18n();
  return (
    <span className="order-status" data-status={status} data-testid="order-status">
      <Badge tone={STATUS_TONE[status] ?? 'plain'}>{t(`ostatus.${status}`)}</Badge>
    </span>
  );
}

/** Why an order is held, in words. */
export function HoldReasonBadge({ reason }: { reason: HoldReason }) {
  const { t } = useI18n();
  return (
    <span className="hold-reason" data-testid="hold-reason">
      <Badge tone="warn">{t(`hold.${reason}`)}</Badge>
    </span>
  );
}
