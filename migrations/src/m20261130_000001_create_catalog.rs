//! Categories and products: the catalog the storefront browses and searches.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Category::Table)
                    .if_not_exists()
                    .col(pk_auto(Category::Id))
                    .col(string_len_uniq(Category::Slug, 80))
                    .col(string_len(Category::Name, 120))
                    .col(text(Category::Description))
                    .col(integer(Category::Position).default(0))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Product::Table)
                    .if_not_exists()
                    .col(pk_auto(Product::Id))
                    .col(integer(Product::CategoryId))
                    .col(string_len_uniq(Product::Slug, 120))
                    .col(string_len(Product::Name, 200))
                    .col(text(Product::Description))
                    // Money is stored as integer minor units (pence, GBP) so sums are exact.
                    .col(big_integer(Product::PricePence).check(Expr::col(Product::PricePence).gte(0)))
                    .col(integer(Product::Stock).check(Expr::col(Product::Stock).gte(0)))
                    .col(string_len(Product::ImageUrl, 300))
                    .col(boolean(Product::Featured).default(false))
                    .col(timestamp_with_time_zone(Product::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_product_category")
                            .from(Product::Table, Product::CategoryId)
                            .to(Category::Table, Category::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_index(
                Index::create()
                    .name("idx_product_category_price")
                    .table(Product::Table)
                    .col(Product::CategoryId)
                    .col(Product::PricePence)
                    .to_owned(),
            )
            .await?;
        manager.create_index(Index::create().name("idx_product_featured").table(Product::Table).col(Product::Featured).to_owned()).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(Product::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(Category::Table).to_owned()).await
    }
}

#[derive(DeriveIden)]
enum Category {
    Table,
    Id,
    Slug,
    Name,
    Description,
    Position,
}

#[derive(DeriveIden)]
enum Product {
    Table,
    Id,
    CategoryId,
    Slug,
    Name,
    Description,
    PricePence,
    Stock,
    ImageUrl,
    Featured,
    CreatedAt,
}
