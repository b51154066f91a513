//! Marketing by e-mail: each address's choices per topic (`preferences`), the newsletter's
//! double opt-in (`newsletter`), and the signed links in marketing e-mails that let anyone
//! unsubscribe or choose topics without signing in (`links`). Every change is one row in the
//! consent log (purpose `marketing:<topic>`), stored in the same transaction as the choice it
//! proves. Campaigns (`campaigns`) are written by staff and sent in the background
//! (`campaign_sender`) to the addresses that consent to their topic when their turn comes.

pub mod campaign_sender;
pub mod campaigns;
pub mod links;
pub mod newsletter;
pub mod opt_out;
pub mod preferences;
