//! The store's keys: one for each use, each derived from the one `SECRET_KEY` with HKDF-SHA256
//! (RFC 5869), so a key that leaks through one use (a consent cookie's MAC studied at leisure,
//! say) says nothing about the others, and no MAC made for one purpose is ever valid for
//! another (issue 21, S10).

use super::state::SecretBytes;
use hkdf::Hkdf;
use sha2::Sha256;

/// What each key signs. The labels are part of the derivation: renaming one changes its key.
#[derive(Clone, Debug)]
pub struct StoreKeys {
    /// E-mailed links: address confirmation, password reset, e-mail change.
    pub link_tokens: SecretBytes,
    /// The consent cookie's signature.
    pub consent_cookie: SecretBytes,
    /// The salted hashes of client networks: the consent log's `ip_hash`, throttling keys.
    pub network: SecretBytes,
    /// The key in a guest's order link.
    pub order_links: SecretBytes,
    /// Marketing e-mails' links: newsletter confirmation, unsubscribe and preferences (P22).
    pub marketing_links: SecretBytes,
    /// Seals staff members' authenticator (TOTP) secrets in the database.
    pub second_factor: SecretBytes,
    /// Signs where the consent log begins once retention has removed its oldest rows.
    pub consent_log_anchor: SecretBytes,
    /// The secret itself, only to keep order links mailed before these keys existed working
    /// for as long as their orders are kept.
    pub legacy_order_links: SecretBytes,
}

impl StoreKeys {
    pub fn derive(secret: &[u8]) -> Self {
        let hkdf = Hkdf::<Sha256>::new(Some(b"sop-store keys"), secret);
        let key = |purpose: &str| {
            let mut okm = [0u8; 32];
            // 32 bytes is far below HKDF's limit of 255 blocks, so this cannot fail.
            hkdf.expand(purpose.as_bytes(), &mut okm).unwrap_or_else(|_| unreachable!("32 bytes is a valid HKDF length"));
            SecretBytes::new(&okm)
        };
        Self {
            link_tokens: key("link tokens v1"),
            consent_cookie: key("consent cookie v1"),
            network: key("client networks v1"),
            order_links: key("order links v1"),
            marketing_links: key("marketing links v1"),
            second_factor: key("second factor secrets v1"),
            consent_log_anchor: key("consent log anchor v1"),
            legacy_order_links: SecretBytes::new(secret),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // S10: a key per purpose, fixed for a given secret, and none is the secret itself.
    #[test]
    fn s10_each_purpose_gets_its_own_key() {
        let secret = b"0123456789abcdef0123456789abcdef";
        let keys = StoreKeys::derive(secret);
        let all = [
            &*keys.link_tokens,
            &*keys.consent_cookie,
            &*keys.network,
            &*keys.order_links,
            &*keys.second_factor,
            &*keys.marketing_links,
            &*keys.consent_log_anchor,
        ];
        for (i, a) in all.iter().enumerate() {
            assert_eq!(a.len(), 32);
            assert_ne!(*a, &secret[..]);
            for b in &all[i + 1..] {
                assert_ne!(a, b);
            }
        }
        assert_eq!(&*StoreKeys::derive(secret).consent_cookie, &*keys.consent_cookie, "the same secret, the same keys");
        assert_ne!(&*StoreKeys::derive(b"another secret key, 32 bytes lon").consent_cookie, &*keys.consent_cookie);
    }
}
