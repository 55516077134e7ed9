//! harbor-mock: Harbor's `/api/v2.0` robot-account API, and the endpoints robot clients call
//! around it, over an in-memory store, faithful enough that a Harbor client cannot tell it from a
//! real Harbor 2.x.
//!
//! Layout, one line per folder (a request goes through them top to bottom):
//! - [`http`]: the front service every request passes, the request context, go-swagger's
//!   binding (extractors, Go's JSON decoding, media types), the response writer, the error type.
//! - [`api`]: one module per Harbor swagger tag, one handler per operationId.
//! - [`harbor`]: Harbor's rules without HTTP: who is calling, what they may do, validation,
//!   secrets.
//! - [`store`]: the state of one instance (Harbor's tables), its list engine, the fixtures format.
//! - [`query`]: Harbor's `q`/`sort` language over any table, and the one filter → sort → page path.
//! - [`wire`]: the JSON types of Harbor's swagger, by direction.
//! - [`mock`]: what only the mock has: instances and sessions, clock, journal, faults, the
//!   control API and its dashboard (`/_mock/ui`), the state store (`--state-file`, SQLite),
//!   the in-process harness.
//! - [`process`]: the binary's configuration, start-up, logging and health probe.
//!
//! And two files: [`app`] puts routes and control API behind the front service and serves them;
//! [`datetime`] holds calendar arithmetic and the time formats Harbor reads and writes.

pub mod api;
pub mod app;
pub mod datetime;
pub mod harbor;
pub mod http;
pub mod mock;
pub mod process;
pub mod query;
pub mod store;
pub mod wire;

pub use mock::harness::MockHarbor;
