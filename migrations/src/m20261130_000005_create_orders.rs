//! Baskets and orders: the basket lines of each session or account, and placed orders with
//! their lines. Orders keep copies of what was bought (name, price) so they stay true when the
//! catalog changes, and record their legal basis and the date until which they are kept (P17).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(BasketLine::Table)
                    .if_not_exists()
                    .col(pk_auto(BasketLine::Id))
                    // A guest's basket belongs to their session (and goes with it); a signed-in
                    // shopper's to their account. Exactly one of the two is set.
                    .col(string_len_null(BasketLine::SessionId, 64))
                    .col(integer_null(BasketLine::AccountId))
                    .col(integer(BasketLine::ProductId))
                    .col(integer(BasketLine::Quantity).check(Expr::col(BasketLine::Quantity).gt(0)))
                    .col(timestamp_with_time_zone(BasketLine::AddedAt))
                    .check(
                        Expr::col(BasketLine::SessionId).is_null().and(Expr::col(BasketLine::AccountId).is_not_null()).or(Expr::col(
                            BasketLine::SessionId,
                        )
                        .is_not_null()
                        .and(Expr::col(BasketLine::AccountId).is_null())),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_basket_line_session")
                            .from(BasketLine::Table, BasketLine::SessionId)
                            .to(Session::Table, Session::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_basket_line_account")
                            .from(BasketLine::Table, BasketLine::AccountId)
                            .to(Account::Table, Account::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_basket_line_product")
                            .from(BasketLine::Table, BasketLine::ProductId)
                            .to(Product::Table, Product::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, owner) in
            [("idx_basket_line_session_product", BasketLine::SessionId), ("idx_basket_line_account_product", BasketLine::AccountId)]
        {
            manager
                .create_index(Index::create().name(name).table(BasketLine::Table).col(owner).col(BasketLine::ProductId).unique().to_owned())
                .await?;
        }

        manager
            .create_table(
                Table::create()
                    .table(CustomerOrder::Table)
                    .if_not_exists()
                    .col(pk_auto(CustomerOrder::Id))
                    // What the shopper quotes: SOP-XXXX-XXXX, random, so numbers reveal nothing.
                    .col(string_len_uniq(CustomerOrder::Number, 16))
                    // One per checkout page: a repeated post of the same page places no second order.
                    .col(string_len_uniq(CustomerOrder::CheckoutKey, 64))
                    // Orders outlive accounts for their legal period (P17, P34).
                    .col(integer_null(CustomerOrder::AccountId))
                    .col(string_len(CustomerOrder::Status, 16))
                    .col(string_len(CustomerOrder::Name, 100))
                    .col(string_len(CustomerOrder::Email, 254))
                    .col(string_len(CustomerOrder::Telephone, 32))
                    .col(text(CustomerOrder::BillingAddress))
                    .col(text(CustomerOrder::DeliveryAddress))
                    .col(string_len(CustomerOrder::DeliveryMethod, 16))
                    .col(big_integer(CustomerOrder::DeliveryPence))
                    .col(big_integer(CustomerOrder::SubtotalPence))
                    .col(big_integer(CustomerOrder::VatPence))
                    .col(big_integer(CustomerOrder::TotalPence))
                    // P05: brand, last four digits, expiry and the provider's token; never the
                    // number or the security code.
                    .col(string_len(CustomerOrder::CardBrand, 20))
                    .col(string_len(CustomerOrder::CardLast4, 4))
                    .col(small_integer(CustomerOrder::CardExpMonth))
                    .col(small_integer(CustomerOrder::CardExpYear))
                    .col(string_len(CustomerOrder::PaymentToken, 64))
                    .col(string_len(CustomerOrder::LegalBasis, 32))
                    .col(timestamp_with_time_zone(CustomerOrder::RetainUntil))
                    .col(timestamp_with_time_zone(CustomerOrder::PlacedAt))
                    .col(timestamp_with_time_zone(CustomerOrder::UpdatedAt))
                    .col(timestamp_with_time_zone_null(CustomerOrder::DispatchedAt))
                    .col(timestamp_with_time_zone_null(CustomerOrder::DeliveredAt))
                    .col(timestamp_with_time_zone_null(CustomerOrder::CancelledAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_customer_order_account")
                            .from(CustomerOrder::Table, CustomerOrder::AccountId)
                            .to(Account::Table, Account::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, columns) in [
            ("idx_customer_order_account", vec![CustomerOrder::AccountId, CustomerOrder::PlacedAt]),
            ("idx_customer_order_status", vec![CustomerOrder::Status, CustomerOrder::PlacedAt]),
            ("idx_customer_order_placed_at", vec![CustomerOrder::PlacedAt]),
            ("idx_customer_order_email", vec![CustomerOrder::Email]),
            ("idx_customer_order_retain_until", vec![CustomerOrder::RetainUntil]),
        ] {
            let mut index = Index::create();
            index.name(name).table(CustomerOrder::Table);
            for column in columns {
                index.col(column);
            }
            manager.create_index(index.to_owned()).await?;
        }

        manager
            .create_table(
                Table::create()
                    .table(OrderLine::Table)
                    .if_not_exists()
                    .col(pk_auto(OrderLine::Id))
                    .col(integer(OrderLine::OrderId))
                    // Kept when a product leaves the catalog: the order still says what was bought.
                    .col(integer_null(OrderLine::ProductId))
                    .col(string_len(OrderLine::ProductSlug, 120))
                    .col(string_len(OrderLine::ProductName, 200))
                    .col(big_integer(OrderLine::UnitPricePence))
                    .col(integer(OrderLine::Quantity).check(Expr::col(OrderLine::Quantity).gt(0)))
                    .col(big_integer(OrderLine::LineTotalPence))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_order_line_order")
                            .from(OrderLine::Table, OrderLine::OrderId)
                            .to(CustomerOrder::Table, CustomerOrder::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_order_line_product")
                            .from(OrderLine::Table, OrderLine::ProductId)
                            .to(Product::Table, Product::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        manager.create_index(Index::create().name("idx_order_line_order").table(OrderLine::Table).col(OrderLine::OrderId).to_owned()).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(OrderLine::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(CustomerOrder::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(BasketLine::Table).to_owned()).await
    }
}

#[derive(DeriveIden)]
enum BasketLine {
    Table,
    Id,
    SessionId,
    AccountId,
    ProductId,
    Quantity,
    AddedAt,
}

#[derive(DeriveIden)]
enum CustomerOrder {
    Table,
    Id,
    Number,
    CheckoutKey,
    AccountId,
    Status,
    Name,
    Email,
    Telephone,
    BillingAddress,
    DeliveryAddress,
    DeliveryMethod,
    DeliveryPence,
    SubtotalPence,
    VatPence,
    TotalPence,
    CardBrand,
    CardLast4,
    CardExpMonth,
    CardExpYear,
    PaymentToken,
    LegalBasis,
    RetainUntil,
    PlacedAt,
    UpdatedAt,
    DispatchedAt,
    DeliveredAt,
    CancelledAt,
}

#[derive(DeriveIden)]
enum OrderLine {
    Table,
    Id,
    OrderId,
    ProductId,
    ProductSlug,
    ProductName,
    UnitPricePence,
    Quantity,
    LineTotalPence,
}

#[derive(DeriveIden)]
enum Session {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Account {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Product {
    Table,
    Id,
}
