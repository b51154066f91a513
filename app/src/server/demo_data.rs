//! The demo catalog: six categories and 48 products, loaded into an empty database.

use super::entities::{category, product};
use crate::domain::slug::Slug;
use chrono::{Duration, TimeZone, Utc};
use sea_orm::{ActiveValue::Set, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, TransactionSession, TransactionTrait};

struct DemoCategory {
    name: &'static str,
    description: &'static str,
    /// name, price in pence, units in stock, featured, description
    products: &'static [(&'static str, i64, i32, bool, &'static str)],
}

const CATALOG: &[DemoCategory] = &[
    DemoCategory {
        name: "Kitchen & Dining",
        description: "Cookware, boards and tableware made to be used every day.",
        products: &[
            (
                "Oak Chopping Board",
                3450,
                24,
                true,
                "A thick end-grain oak board that is kind to knife edges. Oil it monthly and it will last for decades.",
            ),
            ("Cast Iron Skillet", 4200, 12, false, "A pre-seasoned 26 cm cast iron skillet for searing, baking and everything in between."),
            ("Copper Kettle", 6900, 4, true, "A stovetop kettle in hammered copper with a whistling spout and a cool-touch handle."),
            ("Stoneware Dinner Plates (Set of 4)", 3800, 30, false, "Reactive-glaze stoneware plates, dishwasher and microwave safe."),
            ("Linen Napkins (Set of 6)", 2400, 40, false, "Stonewashed linen napkins that soften with every wash."),
            ("Chef's Knife 20 cm", 8900, 7, false, "A forged stainless steel chef's knife with a full tang and a walnut handle."),
            ("Enamel Mixing Bowls", 2900, 0, false, "Three nesting enamel bowls for mixing, proving dough and serving salads."),
            ("Glass Storage Jars", 1800, 55, false, "Airtight borosilicate jars with bamboo lids, for pasta, grains and biscuits."),
        ],
    },
    DemoCategory {
        name: "Home & Living",
        description: "Textiles, lighting and small things that make a house a home.",
        products: &[
            ("Wool Throw Blanket", 7500, 15, true, "A heavy British wool throw in a herringbone weave, warm enough for winter evenings."),
            ("Ceramic Table Lamp", 5600, 9, false, "A hand-thrown ceramic lamp base with a linen shade and a warm LED bulb."),
            ("Scented Soy Candle", 1600, 80, false, "A slow-burning soy wax candle scented with fig leaf and cedar."),
            ("Cotton Cushion Cover", 1900, 60, false, "A washable cotton cushion cover with a hidden zip, 45 by 45 cm."),
            ("Wall Clock", 3200, 3, false, "A silent-sweep wall clock with an oak frame and clear numerals."),
            ("Jute Doormat", 2200, 25, false, "A hard-wearing jute doormat that traps mud before it reaches the hall."),
            ("Photo Frame A4", 1400, 45, false, "A slim oak photo frame with real glass, for A4 prints or smaller with a mount."),
            ("Woven Storage Basket", 2700, 18, true, "A seagrass basket with handles for blankets, toys or firewood."),
        ],
    },
    DemoCategory {
        name: "Garden & Outdoor",
        description: "Tools and comforts for gardens, balconies and allotments.",
        products: &[
            ("Stainless Steel Trowel", 1500, 35, false, "A rust-proof trowel with depth markings and an ash handle."),
            ("Bypass Pruning Shears", 2600, 20, true, "Sharp bypass secateurs for clean cuts on stems up to 20 mm."),
            ("Galvanised Watering Can", 3400, 11, false, "A 9 litre galvanised watering can with a brass rose for gentle watering."),
            ("Bird Feeder", 1900, 27, false, "A hanging seed feeder with a squirrel guard and an easy-fill lid."),
            ("Garden Kneeler", 2800, 2, false, "A padded kneeler that flips into a seat, with handles to help you up."),
            ("Terracotta Pot Set", 2300, 16, false, "Three frost-resistant terracotta pots with saucers."),
            ("Outdoor String Lights", 3100, 22, false, "Ten metres of warm white festoon lights, weatherproof and low voltage."),
            ("Heirloom Seed Collection", 1200, 0, false, "Twelve packets of open-pollinated vegetable seeds for a year of sowing."),
        ],
    },
    DemoCategory {
        name: "Stationery & Office",
        description: "Notebooks, pens and desk companions for focused work.",
        products: &[
            ("Dotted Notebook A5", 1100, 120, true, "A lay-flat A5 notebook with 160 pages of dotted, fountain-pen-friendly paper."),
            ("Fountain Pen", 4500, 14, false, "A steel-nib fountain pen with a converter and a cartridge of blue-black ink."),
            ("Desk Organiser", 2500, 19, false, "A walnut desk tidy with compartments for pens, cards and a phone."),
            ("Weekly Planner", 1300, 70, false, "An undated weekly planner with a page for goals and a page for notes."),
            ("Brass Paper Clips", 600, 200, false, "A tin of 100 solid brass paper clips that will not rust."),
            ("Leather Pencil Case", 2900, 5, false, "A vegetable-tanned leather pencil case that ages beautifully."),
            ("Ergonomic Mouse", 3900, 13, false, "A wireless vertical mouse that keeps your wrist in a natural position."),
            ("Monitor Stand", 4900, 8, false, "A bamboo monitor riser with storage space underneath for a keyboard."),
        ],
    },
    DemoCategory {
        name: "Tea & Coffee",
        description: "Loose-leaf tea, fresh coffee and everything to brew them.",
        products: &[
            ("English Breakfast Tea", 850, 90, true, "Strong loose-leaf Assam and Ceylon blend, 250 g, perfect with milk."),
            ("Earl Grey Tea", 900, 75, false, "Black tea scented with natural bergamot oil, 250 g loose leaf."),
            ("Single Origin Coffee Beans", 1250, 40, true, "Whole beans from a single farm in Huila, Colombia, roasted for filter."),
            ("Pour-Over Coffee Dripper", 2100, 17, false, "A ceramic pour-over dripper for a clean, bright cup of coffee."),
            ("Glass Teapot", 2800, 10, false, "A borosilicate teapot with a removable stainless steel infuser, 800 ml."),
            ("Hand Coffee Grinder", 5400, 6, false, "A conical burr hand grinder with fine adjustment from espresso to cafetière."),
            ("Enamel Mug", 1200, 65, false, "A speckled enamel mug that is as happy by the kettle as on a campfire."),
            ("Green Tea Sencha", 1100, 1, false, "Japanese sencha with a fresh, grassy flavour, 100 g loose leaf."),
        ],
    },
    DemoCategory {
        name: "Bath & Body",
        description: "Gentle soaps, soft towels and small luxuries for the bathroom.",
        products: &[
            ("Olive Oil Soap Bar", 650, 150, false, "A cold-process soap made with olive oil and nothing you cannot pronounce."),
            ("Cotton Bath Towel", 2600, 33, true, "A 600 gsm organic cotton bath towel, soft and quick to dry."),
            ("Bamboo Toothbrush (Pack of 4)", 800, 85, false, "Biodegradable bamboo handles with plant-based bristles."),
            ("Lavender Bath Salts", 1400, 28, false, "Dead Sea salts with lavender essential oil for a slow Sunday soak."),
            ("Natural Loofah", 700, 0, false, "A whole natural loofah sponge for gentle exfoliation."),
            ("Shea Butter Hand Cream", 1150, 46, false, "A rich hand cream with shea butter and calendula, 75 ml."),
            ("Waffle Bathrobe", 5900, 9, false, "A lightweight cotton waffle bathrobe with deep pockets and a tie belt."),
            ("Wooden Bath Caddy", 3600, 4, false, "An extendable acacia bath caddy with a book rest and a cup holder."),
        ],
    },
];

/// What a seeding run did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SeedOutcome {
    Seeded {
        categories: usize,
        products: usize,
    },
    /// The catalog already had categories, so nothing was touched.
    AlreadyPresent,
}

/// Loads the demo catalog into an empty catalog, all in one transaction: either everything
/// is written or nothing is.
pub async fn seed_demo_catalog<C>(db: &C) -> Result<SeedOutcome, DbErr>
where
    C: ConnectionTrait + TransactionTrait,
{
    if category::Entity::find().count(db).await? > 0 {
        return Ok(SeedOutcome::AlreadyPresent);
    }
    let txn = db.begin().await?;
    // A fixed start date keeps "newest first" stable across runs.
    let start = Utc.with_ymd_and_hms(2026, 1, 1, 9, 0, 0).single().unwrap_or_else(Utc::now);
    let mut product_total = 0usize;
    for (position, demo) in CATALOG.iter().enumerate() {
        let slug = Slug::from_name(demo.name).map_err(|e| DbErr::Custom(format!("{}: {e}", demo.name)))?;
        let inserted = category::Entity::insert(category::ActiveModel {
            slug: Set(slug.to_string()),
            name: Set(demo.name.to_owned()),
            description: Set(demo.description.to_owned()),
            position: Set(i32::try_from(position).unwrap_or(i32::MAX)),
            ..Default::default()
        })
        .exec(&txn)
        .await?;
        let products = demo.products.iter().enumerate().map(|(i, (name, price, stock, featured, description))| {
            let slug = Slug::from_name(name).map(|s| s.to_string()).unwrap_or_default();
            let age_days = i64::try_from(position * demo.products.len() + i).unwrap_or(0);
            product::ActiveModel {
                category_id: Set(inserted.last_insert_id),
                image_url: Set(format!("/media/products/{slug}.svg")),
                slug: Set(slug),
                name: Set((*name).to_owned()),
                description: Set((*description).to_owned()),
                price_pence: Set(*price),
                stock: Set(*stock),
                featured: Set(*featured),
                created_at: Set(start + Duration::days(age_days)),
                ..Default::default()
            }
        });
        product_total += demo.products.len();
        product::Entity::insert_many(products).exec(&txn).await?;
    }
    txn.commit().await?;
    Ok(SeedOutcome::Seeded { categories: CATALOG.len(), products: product_total })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_catalog_is_big_enough_and_every_name_makes_a_unique_slug() {
        assert!(CATALOG.len() >= 6);
        let names: Vec<&str> = CATALOG.iter().flat_map(|c| c.products.iter().map(|p| p.0)).collect();
        assert!(names.len() >= 40);
        let mut slugs: Vec<String> = names.iter().map(|n| Slug::from_name(n).unwrap().to_string()).collect();
        slugs.sort();
        slugs.dedup();
        assert_eq!(slugs.len(), names.len());
    }
}
