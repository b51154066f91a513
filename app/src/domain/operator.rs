//! Who runs the store (P01) and how to reach its Data Protection Coordinator (P03).

use serde::{Deserialize, Serialize};

/// The operator's identity as the policy and every page footer state it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Operator {
    pub store_name: String,
    pub company_name: String,
    pub company_number: String,
    pub registered_office: String,
    pub website: String,
    pub data_protection: DataProtectionContact,
}

/// The Data Protection Coordinator's post, phone and e-mail.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DataProtectionContact {
    pub postal_address: String,
    pub phone: String,
    pub email: String,
}

impl Operator {
    /// The operator named in the policy the store was modelled on.
    pub fn sop_international() -> Self {
        let office = "ICON, Grafton House, Third Ave, Harlow CM19 5AW".to_owned();
        Self {
            store_name: "SOP International Online Store".to_owned(),
            company_name: "SOP International LTD".to_owned(),
            company_number: "1865316".to_owned(),
            registered_office: office.clone(),
            website: "www.sopinternational.com".to_owned(),
            data_protection: DataProtectionContact {
                postal_address: format!("Data Protection Coordinator, {office}"),
                phone: "01279 969 888".to_owned(),
                email: "online@sopinternational.com".to_owned(),
            },
        }
    }

    /// The website as a link target, whether or not it was configured with a scheme.
    pub fn website_url(&self) -> String {
        if self.website.starts_with("http://") || self.website.starts_with("https://") {
            self.website.clone()
        } else {
            format!("https://{}", self.website)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn website_url_adds_a_scheme_only_when_missing() {
        let mut operator = Operator::sop_international();
        assert_eq!(operator.website_url(), "https://www.sopinternational.com");
        operator.website = "http://shop.example".into();
        assert_eq!(operator.website_url(), "http://shop.example");
    }
}
