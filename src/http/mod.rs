//! Harbor's HTTP surface as go-swagger serves it, for any handler: the front service every
//! request passes ([`Front`]), the request [`Context`] it resolves, the extractors that bind
//! paths, queries and bodies (with go-swagger's 422s, Go's JSON decoding and media-type rules),
//! the one response writer, the one error type, and list headers.

mod bodies;
mod context;
mod error;
mod extract;
mod front;
pub mod gojson;
pub mod media;
pub mod pagination;
pub mod response;

pub use bodies::GoBody;
pub use context::Context;
pub use error::{ApiError, Result};
pub use extract::{
    ApiJson, Bound, ListParams, MemberId, OptionalJson, ProjectName, ProjectPath, QueryParams,
    RobotId, UserId, go_bool, header_bool,
};
pub use front::{Front, X_REQUEST_ID, go_parse_query};
pub use media::JSON;
