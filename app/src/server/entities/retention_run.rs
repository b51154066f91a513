use sea_orm::entity::prelude::*;

/// One run of the retention engine (P16–P19): when, what started it, and what each rule
/// removed (`report`, JSON), or why the run failed.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "retention_run")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub started_at: ChronoDateTimeUtc,
    pub finished_at: Option<ChronoDateTimeUtc>,
    pub trigger: String,
    pub dry_run: bool,
    pub outcome: String,
    #[sea_orm(column_type = "Text")]
    pub report: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
