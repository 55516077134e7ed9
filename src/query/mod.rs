//! The `q` and `sort` query language (placeholder until the parser lands).
