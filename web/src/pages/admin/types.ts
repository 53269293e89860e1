// The back office's names for the generated API shapes, so pages import one vocabulary instead of five schemas.
import type { components as CatalogSchema } from '../../api/schema/catalog';
import type { components as IdentitySchema } from '../../api/schema/identity';
import type { components as OrderingSchema } from '../../api/schema/ordering';
import type { components as PaymentsSchema } from '../../api/schema/payments';
import type { components as RiskSchema } from '../../api/schema/risk';

type Catalog = CatalogSchema['schemas'];
type Ordering = OrderingSchema['schemas'];
type Risk = RiskSchema['schemas'];

export type CategoryNode = Catalog['CategoryNode'];
export type AdminProductRow = Catalog['AdminProductRow'];
export type ProductDetail = Catalog['ProductDetail'];
export type Variant = Catalog['VariantDto'];
export type ProductImage = Catalog['ImageDto'];
export type StockRow = Catalog['StockRow'];
export type Review = Catalog['ReviewDto'];

export type Order = Ordering['OrderDto'];
export type OrderSummary = Ordering['OrderSummary'];
/** the dashboard's figures (GET /api/v1/admin/orders/summary); not OrderSummary, which is one row of the order list */
export type OrderSummaryReport = Ordering['OrderSummaryDto'];

export type Payment = PaymentsSchema['schemas']['PaymentDto'];

export type AdminUser = IdentitySchema['schemas']['UserDto'];

export type RiskRule = Risk['RuleDto'];
export type SaveRuleRequest = Risk['SaveRuleRequest'];
export type Assessment = Risk['AssessmentDto'];
export type RiskReason = Risk['RiskReason'];
