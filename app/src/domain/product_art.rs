//! Product pictures drawn as SVG from the product's name, so the demo store needs no downloads.

/// Draws a simple, distinctive picture for a product: a tinted card with a motif and initials.
/// The same name always gives the same picture.
pub fn product_svg(name: &str, motif: Motif) -> String {
    let hue = name.bytes().fold(7u32, |h, b| h.wrapping_mul(31).wrapping_add(u32::from(b))) % 360;
    let accent = (hue + 40) % 360;
    let initials: String = name
        .split_whitespace()
        .filter_map(|w| w.chars().next())
        .filter(|c| c.is_alphanumeric())
        .take(2)
        .flat_map(char::to_uppercase)
        .collect();
    let shape = match motif {
        Motif::Circle => format!(r#"<circle cx="200" cy="170" r="90" fill="hsl({accent} 55% 60%)"/>"#),
        Motif::Square => format!(r#"<rect x="115" y="85" width="170" height="170" rx="18" fill="hsl({accent} 55% 60%)"/>"#),
        Motif::Triangle => format!(r#"<polygon points="200,70 300,250 100,250" fill="hsl({accent} 55% 60%)"/>"#),
        Motif::Rings => format!(
            r#"<circle cx="160" cy="170" r="70" fill="none" stroke="hsl({accent} 55% 55%)" stroke-width="18"/><circle cx="240" cy="170" r="70" fill="none" stroke="hsl({accent} 45% 40%)" stroke-width="18"/>"#
        ),
        Motif::Waves => format!(
            r#"<path d="M40 200 Q120 120 200 200 T360 200" fill="none" stroke="hsl({accent} 55% 50%)" stroke-width="22" stroke-linecap="round"/><path d="M40 140 Q120 60 200 140 T360 140" fill="none" stroke="hsl({accent} 45% 65%)" stroke-width="22" stroke-linecap="round"/>"#
        ),
        Motif::Diamond => format!(r#"<polygon points="200,70 300,170 200,270 100,170" fill="hsl({accent} 55% 60%)"/>"#),
    };
    format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 400 400" role="img" aria-label="{label}"><rect width="400" height="400" fill="hsl({hue} 45% 92%)"/>{shape}<text x="200" y="345" text-anchor="middle" font-family="system-ui, sans-serif" font-size="56" font-weight="700" fill="hsl({hue} 40% 25%)">{initials}</text></svg>"##,
        label = escape_xml(name),
        initials = escape_xml(&initials),
    )
}

/// The motif that marks a category's pictures.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Motif {
    Circle,
    Square,
    Triangle,
    Rings,
    Waves,
    Diamond,
}

impl Motif {
    pub fn for_index(index: usize) -> Self {
        [Self::Circle, Self::Square, Self::Triangle, Self::Rings, Self::Waves, Self::Diamond][index % 6]
    }
}

fn escape_xml(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pictures_are_stable_and_escaped() {
        let a = product_svg("Tea & <Biscuits>", Motif::Circle);
        assert_eq!(a, product_svg("Tea & <Biscuits>", Motif::Circle));
        assert!(a.starts_with("<svg"));
        assert!(a.contains("Tea &amp; &lt;Biscuits&gt;"));
        assert!(!a.contains("<Biscuits>"));
        assert!(a.contains(">T</text>"), "initials come from alphanumeric first letters only");
        assert!(product_svg("Oak Chopping Board", Motif::Square).contains(">OC</text>"));
    }

    #[test]
    fn each_category_index_has_a_motif() {
        assert_eq!(Motif::for_index(0), Motif::Circle);
        assert_eq!(Motif::for_index(7), Motif::Square);
    }
}
