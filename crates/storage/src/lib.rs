//! Where data comes from.
//!
//! Every source Wharf reads is named by one URI ([`SourceUri`]) and resolved, with its
//! [`Credentials`] and the operator's [`AccessPolicy`], to an OpenDAL operator wrapped in the
//! same layers for every store: retries with backoff on throttling and transient errors,
//! timeouts, and a bound on concurrent requests. Above that, a source is only ever listed
//! ([`Source::list`]), stat'ed, or read in ranges ([`Source::probe_image`]); nothing here
//! writes.

mod credentials;
mod error;
mod listing;
mod local;
mod policy;
mod probe;
mod source;
mod uri;

pub use credentials::Credentials;
pub use listing::Listed;
pub use policy::AccessPolicy;
pub use probe::ImageSize;
pub use source::{Source, protocol_of};
pub use uri::{Scheme, SourceUri};
pub use wharf_model::ObjectEntry;
